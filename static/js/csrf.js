// The CSRF token for fetch/XHR requests, read from the page (base.html's meta tag). Never from
// document.cookie: production marks the CSRF cookie HttpOnly, so scripts cannot read it there.
export function csrfToken() {
  const meta = document.querySelector("meta[name=csrf-token]");
  return meta ? meta.content : "";
}
