// emoji_data: the built-in emoji set, by category (keys are i18n "category.*" names). Each entry
// is one grapheme: ZWJ sequences, skin tones and flags are single entries.
export const EMOJI_CATEGORIES = [
  ['smileys', '😀 😃 😄 😁 😆 😅 😂 🤣 🙂 🙃 😉 😊 😇 🥰 😍 🤩 😘 😋 😜 🤪 🤔 🤗 🤫 😐 😴 😎 🥳 😢 😭 😡 🥺 😱'],
  ['people', '👋 🤚 ✋ 👌 ✌️ 🤞 👍 👎 👏 🙌 🙏 💪 👍🏽 👋🏿 👀 🧠 👶 🧒 👩 👨 🧓 👩‍💻 👨‍🍳 🧑‍🚀 👩‍👩‍👧 👨‍👩‍👧‍👦 👫 💑 🤷 🙋‍♀️'],
  ['nature', '🐶 🐱 🐭 🐰 🦊 🐻 🐼 🐨 🐯 🦁 🐮 🐷 🐸 🐵 🐔 🐧 🐦 🦋 🐝 🐢 🐙 🐬 🌸 🌻 🌳 🍀 🌈 ☀️ 🌙 ⭐ ❄️ 🔥'],
  ['food', '🍎 🍊 🍋 🍌 🍉 🍇 🍓 🍒 🍑 🥭 🍍 🥑 🍅 🥕 🌽 🥐 🍞 🧀 🍳 🍔 🍟 🍕 🌮 🍜 🍣 🥟 🍰 🎂 🍩 ☕ 🍵 🍺'],
  ['activity', '⚽ 🏀 🏈 ⚾ 🎾 🏐 🏓 🏸 🥊 🎯 🎳 🎮 🎲 🧩 🎨 🎬 🎤 🎧 🎸 🎹 🏆 🥇 🎉 🎊 🎁 🎈'],
  ['travel', '🚗 🚕 🚌 🚎 🚓 🚑 🚲 🛵 🚂 ✈️ 🚀 🛳️ ⛵ 🗺️ 🏠 🏢 🏰 🗼 🗽 ⛰️ 🏖️ 🏝️ 🌋 🗻'],
  ['objects', '⌚ 📱 💻 ⌨️ 🖥️ 🖨️ 📷 🎥 📺 📻 ⏰ 💡 🔦 📚 📝 ✏️ 📎 📌 🔑 🔒 🛠️ 🧰 💊 🎀 ✉️ 📦'],
  ['symbols', '❤️ 🧡 💛 💚 💙 💜 🖤 🤍 💔 ❣️ 💕 💯 ✅ ❌ ❓ ❗ ⚠️ ♻️ 🔔 🎵 ➕ ➖ ✔️ ☑️ 🆗 🆕 ⬆️ ➡️'],
  ['flags', '🏁 🚩 🏳️ 🏴 🏳️‍🌈 🏳️‍⚧️ 🇺🇳 🇪🇺 🇨🇳 🇫🇷 🇬🇧 🇺🇸 🇩🇪 🇯🇵 🇰🇷 🇮🇳 🇧🇷 🇨🇦 🇪🇸 🇮🇹 🇲🇽 🇺🇦'],
].map(([id, list]) => ({ id, emoji: list.split(' ') }));
