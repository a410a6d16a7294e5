// Prepares the single-page build for paper; tools/print_pdf.py runs it with the parts of _toc.yml.
// A printed course keeps everything a reader studies: solutions are shown under their exercises (a
// page cannot be clicked open). It leaves out what only a running notebook needs: the folded code
// cells that compute the numbers of the solutions (their results are in the text; the notebook
// holds the code), and every button.
async (parts) => {
  await window.MathJax.startup.promise;
  await document.fonts.ready;

  for (const folded of document.querySelectorAll("details.hide")) {
    folded.querySelectorAll(".cell_input").forEach((input) => input.remove());
    folded.querySelector("summary").remove();
    folded.replaceWith(...folded.childNodes);
  }
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  document.querySelectorAll("details").forEach((details) => (details.open = true));

  // On the single page the ids of the bibliography's entries ("id6") are also ids of citations in
  // the chapters, and a link goes to the first element with its id: each entry gets its own id.
  for (const link of document.querySelectorAll(".bibtex-citation a[href*='#']")) {
    link.href = `#bib-${new URL(link.href).hash.slice(1)}`;
  }
  document.querySelectorAll("div.citation[id]").forEach((entry) => (entry.id = `bib-${entry.id}`));

  // Chromium names each bookmark of the PDF after its heading's text, and a formula has none
  // (MathJax draws its symbols with CSS): each formula in a heading gets an invisible copy in text.
  for (const formula of document.querySelectorAll(":is(h1, h2, h3, h4) mjx-container")) {
    const text = document.createElement("span");
    text.className = "print-bookmark-text";
    text.textContent = formula.querySelector("mjx-assistive-mml").textContent;
    formula.after(text);
  }

  // Images load lazily in the site; on paper every one is needed before printing.
  document.querySelectorAll("img[loading=lazy]").forEach((img) => (img.loading = "eager"));

  // Each page of the book starts at its section, which now holds the page's link target, so that
  // a link to the page lands on the page where the section starts.
  for (const start of document.querySelectorAll("span[id^=document-]")) {
    const section = start.nextElementSibling;
    section.classList.add("print-page");
    section.prepend(start);
  }

  const title = document.querySelector("article.bd-article h1");
  const toc = document.createElement("nav");
  toc.className = "print-toc";
  toc.innerHTML = "<h2>Contents</h2>";
  for (const part of parts) {
    const caption = document.createElement("p");
    caption.className = "print-toc-part";
    caption.textContent = part.caption;
    const list = document.createElement("ol");
    for (const name of part.pages) {
      const section = document.getElementById(`document-${name}`).parentElement;
      const link = document.createElement("a");
      link.href = `#${section.id}`;
      link.innerHTML = section.querySelector("h2").innerHTML;
      link.querySelectorAll(".headerlink").forEach((anchor) => anchor.remove());
      const page = document.createElement("span");
      page.className = "print-toc-page";
      page.dataset.target = section.id;
      const entry = document.createElement("li");
      entry.append(link, page);
      list.append(entry);
    }
    toc.append(caption, list);

    const partTitle = document.createElement("h1");
    partTitle.className = "print-part";
    partTitle.textContent = part.caption;
    document.getElementById(`document-${part.pages[0]}`).parentElement.before(partTitle);
  }
  title.after(toc);
}
