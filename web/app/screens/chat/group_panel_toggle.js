// group_panel_toggle: a group chat's info panel (group_panel.js, loaded on its first opening)
// beside the chat, or a full-screen sheet on a phone. The open panel is a history overlay
// (router.js): the browser's Back, the panel's back arrow and the info button close it alike.
// createGroupPanelToggle(...) -> {toggle(), onConversation(conversation), onNames()}:
// onConversation() reloads the open panel's members when a new event (member added, role
// changed...) came in; onNames() re-renders it when a name is learnt.
export function createGroupPanelToggle({ container, section, button, api, social, users, session, groupId, navigate, openOverlay, closeOverlay }) {
  let panel = null;
  let panelSeq = 0; // the newest event the panel was loaded after

  function close() {
    button.setAttribute('aria-expanded', 'false');
    panel.element.remove();
  }

  async function toggle() {
    if (panel?.element.isConnected) {
      closeOverlay(close);
      return;
    }
    if (!panel) {
      const { createGroupPanel } = await import('../../components/group_panel.js');
      if (panel || !section.isConnected) return; // a second click came first, or the chat closed
      panel = createGroupPanel({
        api, social, users, session, groupId, onLeft: () => navigate('/'), onClose: () => closeOverlay(close),
      });
    }
    button.setAttribute('aria-expanded', 'true');
    container.append(panel.element);
    panel.refresh();
    openOverlay(close);
  }

  function onConversation(c) {
    if (!c || c.kind !== 'group') return;
    let lastEvent = 0;
    for (const message of c.messages.values()) if (message.kind === 'event') lastEvent = Math.max(lastEvent, message.seq);
    if (panel?.element.isConnected && lastEvent > panelSeq) panel.refresh();
    panelSeq = Math.max(panelSeq, lastEvent);
  }

  return {
    toggle,
    onConversation,
    onNames: () => { if (panel?.element.isConnected) panel.render(); },
  };
}
