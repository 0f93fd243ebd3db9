/* newsgen: after each <time data-relative> younger than 24 hours, add « · há 5 horas».
   The absolute date stays in the HTML; without JavaScript nothing changes. */
(function () {
  'use strict';
  if (!window.Intl || !Intl.RelativeTimeFormat) return;
  var rtf = new Intl.RelativeTimeFormat('pt-PT', { numeric: 'auto' });

  function phrase(seconds) {
    if (seconds < 60) return rtf.format(-Math.floor(seconds), 'second');
    if (seconds < 3600) return rtf.format(-Math.floor(seconds / 60), 'minute');
    return rtf.format(-Math.floor(seconds / 3600), 'hour');
  }

  function update() {
    var now = Date.now();
    var times = document.querySelectorAll('time[data-relative]');
    for (var i = 0; i < times.length; i++) {
      var el = times[i];
      var seconds = (now - Date.parse(el.getAttribute('datetime'))) / 1000;
      var span = el.nextElementSibling;
      if (!span || !span.classList.contains('reltime')) span = null;
      if (!(seconds >= 0 && seconds < 86400)) {
        if (span) span.remove();
        continue;
      }
      if (!span) {
        span = document.createElement('span');
        span.className = 'reltime';
        el.after(span);
      }
      span.textContent = ' · ' + phrase(seconds);
    }
  }

  update();
  setInterval(update, 60000);
})();
