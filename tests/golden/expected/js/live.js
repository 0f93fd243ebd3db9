/* newsgen: on a live page, poll its live.json and tell an open tab «1 nova atualização»
   without reloading it. The page is whole without this script. */
(function () {
  'use strict';
  var box = document.querySelector('[data-live-status]');
  if (!box || !window.fetch) return;
  var url = box.getAttribute('data-live-status');
  var shown = Number(box.getAttribute('data-live-entries'));
  var news = box.querySelector('.live-news');
  var every = 1000 * (Number(box.getAttribute('data-live-poll')) || 30);
  var timer;

  function say(count) {
    news.firstChild.textContent = count === 1 ? '1 nova atualização' : count + ' novas atualizações';
    news.hidden = false;
  }

  function check() {
    if (document.hidden) return;
    fetch(url, { cache: 'no-store' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return;
        if (status.entries > shown) say(status.entries - shown);
        if (!status.live) clearInterval(timer);
      })
      .catch(function () { /* offline: try again at the next tick */ });
  }

  timer = setInterval(check, every);
  document.addEventListener('visibilitychange', check);
})();
