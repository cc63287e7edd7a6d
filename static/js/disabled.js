// A button marked aria-disabled="true" (it stays in the tab order, so a keyboard or screen-reader
// user still finds it and hears why it is dimmed) does nothing when pressed: its form is not sent,
// with or without htmx. "Move up" on the first item used to send a request that changed nothing
// and redrew the list under the user's focus. A button whose refusal the server explains (a dot
// when none are left) carries data-says-why and is still sent.
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var button = event.submitter;
      if (
        button &&
        button.getAttribute("aria-disabled") === "true" &&
        !button.hasAttribute("data-says-why")
      ) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );
})();
