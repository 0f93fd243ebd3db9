// The search page: queries the Pagefind index in the browser (pagefind.js, loaded only
// here) and lists matching articles. Without JavaScript the page's note says why.
(() => {
  "use strict";
  const form = document.querySelector(".search-form");
  if (!form) return;
  const input = form.querySelector("input");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  let pagefind = null;
  let ticket = 0;
  document.querySelector(".search-note")?.remove();

  const load = async () => {
    if (!pagefind) {
      pagefind = await import(form.dataset.bundle + "pagefind.js");
      await pagefind.options({ baseUrl: form.dataset.base, excerptLength: 30 });
      pagefind.init();
    }
    return pagefind;
  };

  const found = (n) => (n === 1 ? "1 artigo" : `${n.toLocaleString("pt-PT")} artigos`);

  const item = (data) => {
    const li = document.createElement("li");
    const title = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title;
    title.append(link);
    li.append(title);
    if (data.meta.date) {
      const date = document.createElement("p");
      date.className = "meta";
      date.textContent = data.meta.date;
      li.append(date);
    }
    const excerpt = document.createElement("p");
    excerpt.className = "search-excerpt";
    excerpt.innerHTML = data.excerpt; // Pagefind escapes the text and adds <mark>
    li.append(excerpt);
    return li;
  };

  const run = async (query) => {
    const mine = ++ticket;
    query = query.trim();
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    let engine;
    try {
      engine = await load();
    } catch {
      status.textContent = "A pesquisa não está disponível nesta versão do site.";
      return;
    }
    const search = await engine.debouncedSearch(query, {}, 120);
    if (search === null || mine !== ticket) return;
    const results = await Promise.all(search.results.slice(0, 25).map((r) => r.data()));
    if (mine !== ticket) return;
    const total = search.results.length;
    status.textContent = total
      ? `${found(total)} para «${query}»${total > results.length ? `; os ${results.length} mais relevantes:` : "."}`
      : `Nenhum artigo encontrado para «${query}».`;
    list.replaceChildren(...results.map(item));
  };

  const update = () => {
    const url = new URL(location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    run(input.value);
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    update();
  });
  input.addEventListener("input", update);
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
