// hello_frames: the frames that open a session (docs/protocol.md, "hello").
//
// helloFrames(token, cursors, since) returns the `hello` and, when this device has more than
// CURSORS_PER_FRAME conversations, the `cursors` frames with the rest, so that no frame outgrows
// the server's frame limit (64 KiB by default; 1,000 cursors take about 40 KB). Send them in order.
// `since` (the last `synced`'s token, sent when set) asks for a `synced` listing only what
// changed since.
export const CURSORS_PER_FRAME = 1000;

export function helloFrames(token, cursors, since = '') {
  const hello = { type: 'hello', protocol: 1, token, batch: true, cursors: cursors.slice(0, CURSORS_PER_FRAME) };
  if (since) hello.since = since;
  if (cursors.length > CURSORS_PER_FRAME) hello.more_cursors = true;
  const frames = [hello];
  for (let at = CURSORS_PER_FRAME; at < cursors.length; at += CURSORS_PER_FRAME) {
    const end = at + CURSORS_PER_FRAME;
    frames.push({ type: 'cursors', cursors: cursors.slice(at, end), more: end < cursors.length });
  }
  return frames;
}
