// Pre-selects the browser's time zone in a form's time_zone field (still editable). A form sent back with
// errors keeps what the user chose: the field is set only while it holds the server's default.
(function () {
  "use strict";
  var field = document.getElementById("id_time_zone");
  if (!field || field.dataset.userChosen === "true") { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || field.value === zone) { return; }
  for (var i = 0; i < field.options.length; i += 1) {
    if (field.options[i].value === zone) { field.value = zone; break; }
  }
})();
