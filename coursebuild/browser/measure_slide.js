// Measures the current slide in slide pixels (reveal.js scales the 1280×720
// slide to the window). Content below the section's bottom padding or right of
// the slide counts as overflow; so does content the build had to shrink
// (data-autofit, a zoom). Figures are measured against the room under the
// title; a course figure's smallest text (data-min-text-pt, in the SVG's pt)
// is converted to the px it is drawn at.
async ({minFigureShare, rasterUpscale, footGap}) => {
  const slide = Reveal.getCurrentSlide();
  const area = document.querySelector('.reveal .slides').getBoundingClientRect();
  const scale = Reveal.getScale();
  const padding = parseFloat(getComputedStyle(slide).paddingBottom) * scale;
  // What is in the speaker notes is not on the slide; what a closed box (???)
  // holds, but its title, is not shown until the instructor opens it.
  // (A summary shows only when every box around it is open: tabs in a closed box.)
  const closed = (el) => {
    for (let box = el.closest('details:not([open])'); box; box = box.parentElement.closest('details:not([open])')) {
      const summary = box.querySelector(':scope > summary');
      if (!summary || !summary.contains(el)) return true;
    }
    return false;
  };
  const shown = (selector) =>
    [...slide.querySelectorAll(selector)].filter((el) => !el.closest('aside.notes') && !closed(el));
  const images = shown('img');
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  // A block as a report names it: its kind and the start of its text.
  const describe = (el) => {
    const text = (el.textContent || '').trim().replace(/\s+/g, ' ');
    const kind = el.matches('.admonition') ? 'admonition' : el.tagName.toLowerCase();
    return text ? `${kind} "${text.slice(0, 50)}${text.length > 50 ? '…' : ''}"` : kind;
  };
  let bottom = area.top, right = area.left, tooWide = 0;
  let tallBlock = null, wideBlock = null;
  // The footnotes at the slide's foot (the layout pass's) end its room.
  const foot = slide.querySelector(':scope > div.slide-foot');
  const limitBottom = Math.min(area.bottom - padding, foot ? foot.getBoundingClientRect().top : Infinity);
  for (const child of slide.children) {
    if (child.matches('aside.notes, .notes, section, div.slide-foot')) continue;
    const box = child.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    bottom = Math.max(bottom, box.bottom);
    right = Math.max(right, box.right);
    tooWide = Math.max(tooWide, child.scrollWidth - child.clientWidth);
    if (!tallBlock && box.bottom > limitBottom + 1) tallBlock = child;
    if (!wideBlock && (box.right > area.right + 1 || child.scrollWidth - child.clientWidth > 1)) {
      wideBlock = child;
    }
  }
  const visible = (el) => {
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  };
  // A block that keeps part of itself out of sight sideways: scrolled (code,
  // overflow: auto) or cut (overflow: hidden). The slide's own box does not
  // grow for it, so the overflow above does not see it.
  const clipped = shown('pre, table, div, p, li, figure, blockquote, details, math')
    .filter((el) => getComputedStyle(el).overflowX !== 'visible' && visible(el)
      && el.scrollWidth > el.clientWidth + 1)
    .map((el) => ({ block: describe(el), px: el.scrollWidth - el.clientWidth }));
  const drawings = shown('svg').filter((s) => !s.closest('math'));
  const maths = shown('math');
  const heading = slide.querySelector('h1, h2, h3');
  const notes = slide.querySelector('aside.notes');
  const children = [...slide.children].filter((el) => !el.matches('aside.notes, div.notes'));
  const zooms = shown('[style*="zoom"]').map((el) => parseFloat(el.style.zoom) || 1);
  // The room under the title, in slide px, that figures are measured against.
  const slideBox = slide.getBoundingClientRect();
  const headingBottom = heading
    ? heading.getBoundingClientRect().bottom + parseFloat(getComputedStyle(heading).marginBottom) * scale
    : slideBox.top;
  // The room ends above the footnotes, as the layout pass ends it.
  const roomBottom = Math.min(slideBox.top + 720 * scale - padding,
    foot ? foot.getBoundingClientRect().top - footGap * scale : Infinity);
  const room = (roomBottom - headingBottom) / scale;
  const label = (img) => {
    const figure = img.closest('figure');
    const caption = figure && figure.querySelector('figcaption strong');
    return caption ? caption.textContent.trim().replace(/:$/, '') : (img.alt || 'image').slice(0, 40);
  };
  const figures = shown('figure > img').filter((img) => !img.classList.contains('twemoji'));
  return {
    title: heading ? heading.textContent.trim() : '',
    heading_only: children.length > 0 && children.every((el) => /^H[1-6]$/.test(el.tagName))
      && !(children[0].tagName === 'H2' && !(notes && notes.textContent.trim())),
    // A subheading last on a slide with other content: what it introduces is elsewhere.
    last_heading: children.some((el) => !/^H[1-6]$/.test(el.tagName))
      && /^H[4-6]$/.test((children.at(-1) || {}).tagName) ? children.at(-1).textContent.trim() : null,
    overflow_y: Math.max(0, (bottom - limitBottom) / scale),
    overflow_x: Math.max(0, (right - area.right) / scale, tooWide),
    autofit: slide.hasAttribute('data-autofit') ? parseFloat(slide.dataset.autofit)
      : (zooms.length ? Math.min(...zooms) : null),
    // The blocks at fault, named: the first too tall, too wide, shrunk (null when none).
    tall_block: tallBlock && describe(tallBlock),
    wide_block: wideBlock && describe(wideBlock),
    shrunk_block: (shown('[style*="zoom"]')[0] || null) && describe(shown('[style*="zoom"]')[0]),
    clipped,
    images: images.length + drawings.length,
    broken_images: images.filter((i) => !i.complete || i.naturalWidth === 0 || !visible(i)).length
      + drawings.filter((s) => !visible(s)).length,
    small_figures: figures
      .map((img) => {
        const box = img.getBoundingClientRect();
        const column = img.parentElement.getBoundingClientRect().width;
        // A raster image is never drawn past rasterUpscale × its own size: a small one's minimum.
        const src = img.currentSrc || img.getAttribute('src') || '';
        const raster = !src.startsWith('data:image/svg') && !/\.svg($|[?#])/i.test(src);
        const largest = raster && img.naturalHeight ? img.naturalHeight * rasterUpscale : Infinity;
        return { label: label(img), height: box.height / scale, width: box.width / scale,
                 column: column / scale, minimum: Math.min(room * minFigureShare, largest) };
      })
      .filter((f) => f.height < f.minimum - 1 && f.width < f.column - 1)
      .map((f) => ({ label: f.label, height: f.height, minimum: f.minimum })),
    figure_text: figures
      .filter((img) => img.dataset.minTextPt && img.naturalWidth)
      .map((img) => {
        const box = img.getBoundingClientRect();
        const column = img.parentElement.getBoundingClientRect().width;
        return {
          label: label(img),
          px: parseFloat(img.dataset.minTextPt) * 4 / 3 * (box.width / scale) / img.naturalWidth,
          // A diagram's own goal (the course's figures: none, 18 px).
          goal: parseFloat(img.dataset.textGoalPx) || null,
          // Drawn as large as its slide allows (the room's height, the column's
          // width, or as the build's warning about it says).
          largest: box.height / scale >= room - 2 || box.width >= column - 1
            || img.dataset.textShort === '1',
        };
      }),
    maths: maths.length,
    empty_maths: maths.filter((m) => !visible(m)).length,
    continued: slide.classList.contains('continued'),
    // The words the slide holds under its title, code's included, and a closed
    // box's (opened, it is the slide's content): a split that leaves a scrap
    // on a slide of its own holds under five.
    words: children
      .filter((child) => !/^H[1-3]$/.test(child.tagName))
      .map((child) => child.textContent.split(/\s+/).filter(Boolean).length)
      .reduce((a, b) => a + b, 0),
    notes: notes ? notes.textContent.trim().length : 0,
    // TeX that reached the slide as text: math that did not become MathML.
    // Code may hold backslashes (\n, a shell's line continuation): not TeX.
    raw_tex: children
      .map((child) => {
        // The text outside code and math (walked, not cloned: a cloned image loads).
        const walker = document.createTreeWalker(child, NodeFilter.SHOW_TEXT);
        let text = '';
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!node.parentElement.closest('pre, code, math')) text += node.data;
        }
        return (text.match(/\\[a-zA-Z]+/g) || []).length;
      })
      .reduce((a, b) => a + b, 0),
  };
}
