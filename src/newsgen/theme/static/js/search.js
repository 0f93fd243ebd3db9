// The search page: queries the Pagefind index in the browser (pagefind.js, loaded only
// here) and lists matching articles, newest first, each with its date, its photo and an
// excerpt around the words found. Without JavaScript the page's note says why.
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
  const WORDS = 30;
  const bare = (word) => word.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  // An article page ends its indexed text with the other number of its -ão/-ões words
  // (meta "forms": how many; theme/templates/article.html): a match there is shown on
  // the page's own word. 'eleição' ⇄ 'eleições'.
  const other = (word) => (word.endsWith("ões") ? word.slice(0, -3) + "ão" : word.slice(0, -2) + "ões");
  const escape = (text) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const folded = (word) => bare(word).normalize("NFD").replace(/\p{M}/gu, "");
  // Pagefind answers a word it does not hold with the words that start like its first
  // letters («opinião» → «o»): a result only counts if a word found starts as a query word.
  const matches = (data, terms) => {
    const words = data.content.split(" ");
    return data.locations.some((at) => terms.some((term) => folded(words[at] || "").startsWith(term.slice(0, 4))));
  };

  // The excerpt: WORDS words of the page's own text from just before the first match,
  // matches marked, "…" where the text goes on.
  const excerpt = (data) => {
    const words = data.content.split(" ");
    const own = words.slice(0, words.length - Number(data.meta.forms || 0));
    const marks = new Set();
    for (const at of data.locations) {
      if (at < own.length) marks.add(at);
      else {
        const wanted = other(bare(words[at] || ""));
        own.forEach((word, i) => bare(word) === wanted && marks.add(i));
      }
    }
    const first = marks.size ? Math.min(...marks) : 0;
    const start = Math.max(0, Math.min(first - 8, own.length - WORDS));
    const end = Math.min(own.length, start + WORDS);
    const shown = own.slice(start, end).map((word, i) => (marks.has(start + i) ? `<mark>${escape(word)}</mark>` : escape(word)));
    return `${start ? "… " : ""}${shown.join(" ")}${end < own.length ? " …" : ""}`;
  };

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
    const text = document.createElement("p");
    text.className = "search-excerpt";
    text.innerHTML = excerpt(data); // escaped above, with <mark>
    li.append(text);
    if (data.meta.image) {
      const img = document.createElement("img");
      img.src = data.meta.image;
      img.alt = "";
      img.loading = "lazy";
      img.decoding = "async";
      li.classList.add("has-media");
      li.append(img);
    }
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
    const search = await engine.debouncedSearch(query, { sort: { date: "desc" } }, 120);
    if (search === null || mine !== ticket) return;
    const loaded = await Promise.all(search.results.slice(0, 25).map((r) => r.data()));
    if (mine !== ticket) return;
    const terms = query.split(/\s+/).map(folded).filter(Boolean);
    const results = loaded.filter((data) => matches(data, terms));
    const total = results.length < loaded.length ? results.length : search.results.length;
    status.textContent = total
      ? `${found(total)} para «${query}»${total > results.length ? `; os ${results.length} mais recentes:` : "."}`
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
