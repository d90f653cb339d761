// Search over the Pagefind index written by `unld site`: the one script of the site.
// The form works as a plain GET form (?q=...&committee=...&year=...); this script reads
// those parameters, asks the index, and lists the hits, each linked to the paragraph
// that holds the first matching word.
const form = document.querySelector("form.search-form");
const status = document.getElementById("status");
const list = document.getElementById("results");
const params = new URLSearchParams(window.location.search);
const FILTERS = [
  ["organ", "Organ"],
  ["session", "Session"],
  ["year", "Year"],
  ["committee", "Committee"],
  ["agenda", "Agenda item"],
];
// paragraph, footnote and section anchors of a resolution page (pp1, op6a, I-op2, fn3, secI)
const PARAGRAPH = /^(?:[A-Za-z0-9]+-)?(?:pp|op|fn)\d/;

function say(text) {
  status.textContent = text;
}

// Pagefind's excerpt marks the matching words; keep only its text and <mark>s.
function excerpt(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = document.createElement("p");
  out.className = "excerpt";
  for (const node of doc.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const m = document.createElement("mark");
      m.textContent = node.textContent;
      out.append(m);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

// The paragraph that best holds the query: the paragraph anchors split the page's word
// positions; a paragraph scores first by its longest run of matching words that follow one
// another (a phrase), then by how many words match, so that a passage lands on the
// paragraph that says it rather than on one that repeats a few of its words.
function anchorOf(data) {
  const anchors = (data.anchors || []).filter((a) => PARAGRAPH.test(a.id));
  anchors.sort((a, b) => a.location - b.location);
  const locations = [...new Set(data.locations || [])].sort((a, b) => a - b);
  const scores = new Map();
  let run = 0;
  let previous = null;
  let owner = null;
  for (const loc of locations) {
    let here = null;
    for (const a of anchors) {
      if (a.location <= loc) here = a;
      else break;
    }
    run = here && here === owner && previous === loc - 1 ? run + 1 : 1;
    owner = here;
    previous = loc;
    if (!here) continue;
    const s = scores.get(here) || { run: 0, count: 0 };
    scores.set(here, { run: Math.max(s.run, run), count: s.count + 1 });
  }
  let best = null;
  for (const a of anchors) {
    const s = scores.get(a);
    if (!s) continue;
    const b = best && scores.get(best);
    if (!b || s.run > b.run || (s.run === b.run && s.count > b.count)) best = a;
  }
  return best;
}

// "op6a" -> "operative paragraph 6 (a)", as the resolution page names its parts
function paragraphName(id) {
  const m = /^(?:([A-Za-z0-9]+)-)?(pp|op|fn)(\d+)(.*)$/.exec(id);
  if (!m) return id;
  const kind = { pp: "preambular paragraph", op: "operative paragraph", fn: "footnote" }[m[2]];
  return `${m[1] ? `section ${m[1]}, ` : ""}${kind} ${m[3]}${m[4] ? ` (${m[4]})` : ""}`;
}

async function main() {
  const bundle = new URL(form.dataset.bundle, window.location.href);
  // results are paths from the site's root, wherever the site is served
  const baseUrl = new URL("../", bundle).pathname;
  // A large site's index comes in shards of whole years, newest first: the bundle's own,
  // then the others, each with its own copy of the bundle.  Each is searched on its own
  // and the answers are put together here: summed filter counts, hits by score for words,
  // and for a search by filters alone the shards' hits one shard after the other, which
  // keeps them newest first (Pagefind's own merge would interleave them).
  const urls = [bundle.href];
  for (const shard of (form.dataset.shards || "").split(" ").filter(Boolean)) {
    urls.push(new URL("pagefind.js", new URL(shard, window.location.href)).href);
  }
  const indexes = [];
  for (const url of urls) {
    const pagefind = await import(url);
    await pagefind.options({ baseUrl });
    await pagefind.init();
    indexes.push(pagefind);
  }
  const q = (params.get("q") || "").trim();
  document.getElementById("q").value = q;
  const available = {};
  for (const part of await Promise.all(indexes.map((i) => i.filters()))) {
    for (const [name, values] of Object.entries(part)) {
      const into = (available[name] ||= {});
      for (const [value, count] of Object.entries(values)) into[value] = (into[value] || 0) + count;
    }
  }
  const box = document.getElementById("filters");
  const grid = box.querySelector(".filter-grid");
  const chosen = {};
  for (const [name, label] of FILTERS) {
    const values = available[name];
    if (!values || !Object.keys(values).length) continue;
    const id = `f-${name}`;
    const wrap = document.createElement("p");
    const lab = document.createElement("label");
    lab.htmlFor = id;
    lab.textContent = label;
    const select = document.createElement("select");
    select.id = id;
    select.name = name;
    const any = new Option("Any", "");
    select.append(any);
    const keys = Object.keys(values).sort((a, b) =>
      name === "year" ? b.localeCompare(a) : a.localeCompare(b, "en", { numeric: true }),
    );
    for (const value of keys) {
      select.append(new Option(`${value} (${values[value]})`, value));
    }
    const wanted = params.get(name);
    if (wanted && keys.includes(wanted)) {
      select.value = wanted;
      chosen[name] = wanted;
    }
    select.addEventListener("change", () => form.requestSubmit());
    wrap.append(lab, document.createElement("br"), select);
    grid.append(wrap);
  }
  box.hidden = false;
  if (!q && !Object.keys(chosen).length) {
    say("Type words or a symbol, or choose a filter.");
    return;
  }
  say("Searching…");
  const answers = await Promise.all(
    indexes.map((i) => i.search(q || null, { filters: chosen, sort: q ? undefined : { date: "desc" } })),
  );
  const results = answers.flatMap((a) => a.results);
  if (q) results.sort((a, b) => b.score - a.score); // stable: ties keep the newer shard first
  const shown = results.slice(0, 50);
  const datas = await Promise.all(shown.map((r) => r.data()));
  list.replaceChildren();
  for (const data of datas) {
    const li = document.createElement("li");
    const a = document.createElement("a");
    const anchor = q ? anchorOf(data) : null;
    a.href = anchor ? `${data.url}#${anchor.id}` : data.url;
    a.textContent = data.meta.title || data.url;
    a.className = "hit";
    li.append(a);
    if (anchor) {
      const where = document.createElement("span");
      where.className = "detail";
      where.textContent = ` ${paragraphName(anchor.id)}`;
      li.append(where);
    }
    if (q && data.excerpt) li.append(excerpt(data.excerpt));
    list.append(li);
  }
  const n = results.length;
  say(`${n} resolution${n === 1 ? "" : "s"} found${n > shown.length ? `, the first ${shown.length} shown` : ""}.`);
}

main().catch((err) => say(`Search could not start: ${err.message}`));
