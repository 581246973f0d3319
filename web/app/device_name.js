// device_name: how this browser names itself when it signs in (the `device` of POST
// /api/v1/sessions and of the OpenID Connect steps), shown in Settings' list of devices.
export function deviceName() {
  const platform = navigator.userAgentData?.platform || navigator.platform || 'browser';
  return `web (${platform})`.slice(0, 64);
}
