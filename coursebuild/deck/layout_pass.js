// The build's layout pass: runs once per deck in headless Chromium, on the
// deck's own HTML and CSS shown without reveal.js, every slide laid out at
// 1280×720 one under the other. It sizes figures, splits slides whose content
// is taller than the slide into "(jatkuu)" slides at block boundaries, marks
// dividers, and returns the slides as HTML. Nothing here runs in a student's
// browser: the deck carries the result, not this script.
//
// Deterministic: every size it writes is a whole pixel, and it reads nothing
// but the layout of the page it was given.
async ({ continued, excerptWords, exerciseWords, sourcesTitle, minFigureShare, minTextPx, rasterUpscale, footGap, maxSeconds, maxSlides }) => {
  const CONTENT_BOTTOM = 720;
  // Room an enclosing block takes around a figure inside it: its title and padding.
  const NESTED_FIGURE_ALLOWANCE = 110;
  // How much shorter an excerpt that came out too tall is cut again, in px (a line of code).
  const EXCERPT_SLACK = 16;
  // More footnotes than this on a slide: a line each, not two.
  const FOOT_LONG_NOTES = 2;
  const BLANK_PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
  // Between the images of a gallery (deck.css's figure.gallery gap).
  const GALLERY_GAP = 8;
  // Display math is 1.3em (39 px); a long or tall equation may step down to
  // 0.8em (24 px), still well above the 18 px a projector needs.
  const DISPLAY_MATH_SIZES = ["1.2em", "1.1em", "1em", "0.9em", "0.8em"];
  // The lesson title on the title slide, in px: the theme's, then smaller.
  const TITLE_SIZES = [68, 60, 54, 48, 42, 36];
  const MAX_SPLITS_A_SLIDE = 4;
  // Code steps down from the theme's 22 px before it continues, to a floor
  // that still reads from the back row (the course figures' text floor).
  const CODE_SIZES = [20, 18];
  // A split leaves at least this much of a block on each side: never a
  // continuation of one item or row, or of a line or two of code.
  const MIN_LINES = 3;
  const MIN_PARTS = 2;
  // A continuation slide shows at least this many words (or a picture).
  const MIN_SLIDE_WORDS = 5;
  // A block that would need more than this many slides is cut to a slide's
  // worth (an excerpt, the handout has it all); a section that would need
  // more shows its longest boxes closed, as the site shows a ??? box.
  const MAX_BLOCK_SLIDES = 2;
  const MAX_SECTION_SLIDES = 3;
  // How full a slide is on average once blocks are split at their boundaries.
  const SLIDE_FILL = 0.8;
  const root = document.querySelector(".reveal .slides");
  const warnings = [];

  // Images are lazy in the deck (data-src). The build gives each its natural
  // size (data-natural-width and -height), so none is loaded here: each is
  // given that size while the slides are laid out (an emoji its aspect, at its
  // line's height). One whose size the build could not read comes as a data:
  // URI and is loaded.
  const described = [...root.querySelectorAll("img[data-natural-width]")];
  const styles = new Map(described.map((img) => [img, img.getAttribute("style")]));
  for (const img of described) {
    const { width, height } = naturalSize(img);
    img.style.aspectRatio = `${width} / ${height}`;
    // The page's own width ("width:30%", width="300") stays: the deck draws it so.
    const own = img.style.width || img.hasAttribute("width");
    if (!img.classList.contains("twemoji") && !own) img.style.width = `${width}px`;
  }
  // An icon or emoji without its image has its alt text (":material-…:") for
  // a width, and its aspect then makes it as tall: a blank stands in for it.
  const blanks = described.filter((img) => img.classList.contains("twemoji") && !img.hasAttribute("src"));
  for (const img of blanks) img.setAttribute("src", BLANK_PIXEL);
  const lazy = [...root.querySelectorAll("img[data-src]")].filter(
    (img) => !img.hasAttribute("data-natural-width") && img.getAttribute("data-src").startsWith("data:"),
  );
  for (const img of lazy) img.setAttribute("src", img.getAttribute("data-src"));
  const loaded = (img) =>
    img.complete
      ? undefined
      : new Promise((done) => {
          img.addEventListener("load", done, { once: true });
          img.addEventListener("error", done, { once: true });
        });
  await Promise.all([...lazy, ...blanks].map(loaded));

  // A long line of code wraps under its own indentation (deck.css's hanging
  // indent reads --indent): the line's leading blanks, in characters.
  for (const line of root.querySelectorAll("pre code > span")) {
    const blanks = line.textContent.match(/^[ \t]*/)[0].replace(/\t/g, "    ").length;
    if (blanks) line.style.setProperty("--indent", `${blanks}ch`);
  }

  // The speaker notes, and the footnotes at a slide's foot: not its content.
  const isNotes = (el) => el.matches("aside.notes, div.notes, div.slide-foot");
  const slideTitle = (section) => ((titleOf(section) || {}).textContent || "").trim();
  const leafSlides = () =>
    [...root.querySelectorAll("section")].filter(
      (s) => s.id !== "deck-title" && !s.querySelector("section"),
    );
  const shownChildren = (section) => [...section.children].filter((el) => !isNotes(el));
  // The slide's title: its first element when that is a heading of level 1–3.
  const titleOf = (section) => {
    const first = shownChildren(section)[0];
    return first && /^H[1-3]$/.test(first.tagName) ? first : null;
  };
  const body = (section) => shownChildren(section).filter((el) => el !== titleOf(section));
  const px = (el, property) => parseFloat(getComputedStyle(el)[property]) || 0;
  const top = (el) => el.getBoundingClientRect().top;
  const bottom = (el) => el.getBoundingClientRect().bottom;

  function contentBox(section) {
    const box = section.getBoundingClientRect();
    const heading = titleOf(section);
    const start = heading ? bottom(heading) + px(heading, "marginBottom") : box.top + px(section, "paddingTop");
    const foot = section.querySelector(":scope > div.slide-foot");
    const end = box.top + CONTENT_BOTTOM - px(section, "paddingBottom");
    return {
      top: start,
      bottom: foot ? Math.min(end, top(foot) - footGap) : end,
      left: box.left + px(section, "paddingLeft"),
      width: section.clientWidth - px(section, "paddingLeft") - px(section, "paddingRight"),
    };
  }

  function describe(el) {
    const text = (el.textContent || "").trim().replace(/\s+/g, " ");
    const kind = el.matches(".admonition") ? "admonition" : el.tagName.toLowerCase();
    return text ? `${kind} "${text.slice(0, 50)}${text.length > 50 ? "…" : ""}"` : kind;
  }

  // ------------------------------------------------------------- figures

  function naturalSize(img) {
    const width = parseFloat(img.dataset.naturalWidth);
    const height = parseFloat(img.dataset.naturalHeight);
    if (width > 0 && height > 0) return { width, height };
    return { width: img.naturalWidth || 0, height: img.naturalHeight || 0 };
  }

  function isRaster(img) {
    const src = img.getAttribute("data-src") || img.getAttribute("src") || "";
    return !src.startsWith("data:image/svg") && !/\.svg$/i.test(src);
  }

  // The largest whole-pixel size of ``img`` inside width × height, aspect kept.
  function fitInside(img, width, height) {
    const natural = naturalSize(img);
    if (!natural.width || !natural.height) return null;
    let scale = Math.min(width / natural.width, height / natural.height);
    if (isRaster(img)) scale = Math.min(scale, rasterUpscale);
    return {
      width: Math.max(1, Math.floor(natural.width * scale)),
      height: Math.max(1, Math.floor(natural.height * scale)),
    };
  }

  function setSize(img, size) {
    img.dataset.sized = "1";
    img.style.aspectRatio = "";
    img.style.width = `${size.width}px`;
    img.style.height = `${size.height}px`;
    img.style.maxWidth = "none";
    img.style.maxHeight = "none";
  }

  function figureImage(section) {
    const figure = section.querySelector(":scope > figure");
    const img = figure && figure.querySelector(":scope > img");
    return img && naturalSize(img).width ? { figure, img } : null;
  }

  function blockHeight(el) {
    return el.getBoundingClientRect().height + px(el, "marginTop") + px(el, "marginBottom");
  }

  // Height the figure's image may take alone under the title: the content
  // area less the caption.
  function roomAlone(section, figure) {
    const box = contentBox(section);
    const caption = figure.querySelector("figcaption");
    const captionHeight = caption ? caption.getBoundingClientRect().height + px(caption, "marginTop") : 0;
    return Math.floor(box.bottom - box.top - px(figure, "marginBottom") - captionHeight - 1);
  }

  function minimumHeight(section, img) {
    const box = contentBox(section);
    const share = Math.floor((box.bottom - box.top) * minFigureShare);
    // A course figure knows its smallest text (pt at its natural size): drawn
    // any smaller than this, that text would be under minTextPx.
    const smallest = img && parseFloat(img.dataset.minTextPt);
    const natural = naturalSize(img).height;
    if (!smallest || !natural) return share;
    return Math.max(share, Math.ceil((natural * textGoal(img)) / (smallest * 4 / 3)));
  }

  // The px a figure's smallest text should reach: a diagram's own goal, else the course's.
  const textGoal = (img) => parseFloat(img.dataset.textGoalPx) || minTextPx;

  // A figure whose text is still drawn under its goal (too big a drawing
  // even alone on its slide) is named in a warning.
  function warnSmallText(img) {
    const smallest = parseFloat(img.dataset.minTextPt);
    const drawn = parseFloat(img.style.height);
    const natural = naturalSize(img).height;
    if (!smallest || !drawn || !natural || img.closest("aside.notes, details:not([open])")) return;
    const textPx = (smallest * 4) / 3 * (drawn / natural);
    if (textPx >= textGoal(img) - 0.05) return;
    img.dataset.textShort = "1"; // --check leaves it to this warning
    const section = img.closest("section");
    const figure = img.closest("figure");
    const label = (figure && figure.querySelector("figcaption strong")) || null;
    const name = label ? label.textContent.trim().replace(/:$/, "") : `diagram "${img.alt.slice(0, 40)}"`;
    warnings.push(`slide '${slideTitle(section)}': ${name}'s text is drawn at ${textPx.toFixed(1)} px, under ${textGoal(img)} px: too large a drawing for its slide`);
  }

  // A figure fills the room under the title, less what follows it on the
  // slide, but never below the minimum (what does not fit then continues on
  // the next slide). With lists after it, the figure may stand beside them,
  // each in half of the slide, when that draws it clearly larger.
  function arrangeFigure(section) {
    const found = figureImage(section);
    if (!found) return;
    const { figure, img } = found;
    section.classList.remove("figure-beside");
    const others = body(section).filter((el) => el !== figure);
    const width = contentBox(section).width;
    const alone = roomAlone(section, figure);
    const rest = others.reduce((sum, el) => sum + blockHeight(el), 0);
    // Under a subheading alone, the figure fits with it: the two are one part.
    const minimum = others.every((el) => el.matches("h4, h5, h6")) ? 0 : minimumHeight(section, img);
    const height = Math.min(alone, Math.max(alone - rest, minimum));
    const under = fitInside(img, width, height);
    if (!under) return;
    if (others.length && others.every((el) => el.matches("ul, ol"))) {
      section.classList.add("figure-beside");
      const beside = fitInside(img, figure.getBoundingClientRect().width, roomAlone(section, figure));
      if (beside && beside.width > 1.15 * under.width) {
        setSize(img, beside);
        if (others.every((el) => bottom(el) <= contentBox(section).bottom + 0.5)) return;
      }
      section.classList.remove("figure-beside");
    }
    setSize(img, under);
  }

  // A figure of several images (a gallery) is a grid: as many columns as
  // draw its images largest in the room the figure has, which is what a
  // figure has (with text after it, at least its minimum share).
  function arrangeGallery(section) {
    const figure = section.querySelector(":scope > figure");
    const row = figure && figure.querySelector(":scope > p");
    const imgs = row ? [...row.querySelectorAll(":scope > img")].filter((img) => naturalSize(img).width) : [];
    if (imgs.length < 2 || row.querySelectorAll("img").length !== imgs.length) return;
    figure.classList.add("gallery");
    const alone = roomAlone(section, figure) - px(row, "marginTop") - px(row, "marginBottom");
    const rest = body(section)
      .filter((el) => el !== figure)
      .reduce((sum, el) => sum + blockHeight(el), 0);
    const height = Math.min(alone, Math.max(alone - rest, Math.floor(roomOf(section) * minFigureShare)));
    const width = row.getBoundingClientRect().width;
    const aspects = imgs.map((img) => naturalSize(img).width / naturalSize(img).height);
    const aspect = aspects.reduce((a, b) => a + b, 0) / aspects.length;
    let best = null;
    for (let columns = 1; columns <= imgs.length; columns++) {
      const rows = Math.ceil(imgs.length / columns);
      const cellWidth = Math.floor((width - GALLERY_GAP * (columns - 1)) / columns);
      const cellHeight = Math.floor(Math.min(cellWidth / aspect, (height - GALLERY_GAP * (rows - 1)) / rows));
      if (!best || cellHeight > best.cellHeight) best = { cellWidth, cellHeight };
    }
    for (const img of imgs) {
      const size = fitInside(img, best.cellWidth, best.cellHeight);
      if (size) setSize(img, size);
    }
  }

  // A figure inside a block (an admonition, a list item) is sized to fit a
  // slide of its own with that block's title above it.
  function sizeNestedFigures(section) {
    const box = contentBox(section);
    for (const img of section.querySelectorAll(":scope > * figure > img")) {
      // Not what a closed box (???) holds: unseen, it has no room to be sized to.
      if (!naturalSize(img).width || img.closest("aside.notes, details:not([open])")) continue;
      const figure = img.parentElement;
      const caption = figure.querySelector("figcaption");
      const captionHeight = caption ? caption.getBoundingClientRect().height + px(caption, "marginTop") : 0;
      const room = box.bottom - box.top - captionHeight - NESTED_FIGURE_ALLOWANCE;
      const height = Math.max(minimumHeight(section, img), Math.floor(room));
      const size = fitInside(img, figure.getBoundingClientRect().width, height);
      if (size) setSize(img, size);
    }
  }

  // Size a figure's image to end above ``limit``; whether the figure then does.
  function fitUnder(figure, limit) {
    const img = figure.querySelector(":scope > img");
    if (!img || !naturalSize(img).width) return false;
    const caption = figure.querySelector("figcaption");
    const captionHeight = caption ? caption.getBoundingClientRect().height + px(caption, "marginTop") : 0;
    const room = Math.floor(limit - top(img) - captionHeight - px(figure, "marginBottom") - 1);
    const size = room > 0 && fitInside(img, figure.getBoundingClientRect().width, room);
    if (!size) return false;
    setSize(img, size);
    return bottom(figure) <= limit + 0.5;
  }

  // Make ``over`` px of room in ``within`` by drawing its tallest image that
  // much smaller, a figure never under its minimum, an image in the text
  // never under half of it; whether it did.
  function shrinkFigureBy(section, within, over) {
    const imgs = [...within.querySelectorAll("img:not(.twemoji)")].filter(
      (img) => naturalSize(img).width && isShown(img),
    );
    const img = imgs.sort((a, b) => b.getBoundingClientRect().height - a.getBoundingClientRect().height)[0];
    if (!img) return false;
    const current = img.getBoundingClientRect();
    const height = Math.floor(current.height - over - 1);
    const inFigure = img.parentElement.matches("figure");
    if (height < minimumHeight(section, img) / (inFigure ? 1 : 2)) return false;
    const size = fitInside(img, current.width, height);
    if (!size) return false;
    setSize(img, size);
    return true;
  }

  // After splitting, a figure under the title grows into the room left.
  function growFigure(section) {
    if (section.classList.contains("figure-beside")) return;
    const found = figureImage(section);
    if (!found) return;
    const { img } = found;
    const limit = contentBox(section).bottom;
    const last = body(section).at(-1);
    const spare = Math.floor(limit - bottom(last) - 1);
    if (spare <= 0) return;
    const current = img.getBoundingClientRect();
    const grown = fitInside(img, contentBox(section).width, current.height + spare);
    if (!grown || grown.height <= current.height) return;
    setSize(img, grown);
    if (bottom(last) > limit + 0.5) {
      setSize(img, { width: Math.floor(current.width), height: Math.floor(current.height) });
    }
  }

  // -------------------------------------------------------------- splits

  // The parts a block may be split between, or null when it is never split.
  function partsOf(el) {
    if (el.matches("ul, ol")) return [...el.children].filter((c) => c.tagName === "LI");
    if (el.tagName === "TABLE") return [...el.querySelectorAll(":scope > tbody > tr")];
    if (el.matches("div.sourceCode, pre")) return codeLines(el);
    if (el.matches("figure, p, math, h1, h2, h3, h4, h5, h6, img, svg")) return null;
    if (el.matches(".admonition")) return [...el.children].filter((c) => !c.matches(".admonition-title"));
    if (el.matches("div, blockquote, li, details")) {
      if (!wrapInlineRuns(el)) return null;
      return [...el.children].filter((c) => c.tagName !== "SUMMARY");
    }
    return null;
  }

  // Inline: text, inline elements, and math in the text (whose display is "math").
  const isInline = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return true;
    if (node.nodeType !== Node.ELEMENT_NODE) return false;
    if (node.tagName.toLowerCase() === "math") return node.getAttribute("display") !== "block";
    return getComputedStyle(node).display.startsWith("inline");
  };

  // Text directly in a block beside blocks ("<li>text<ul>…</ul></li>"): each
  // run of it is put in a <div class="run">, the block the browser drew it in
  // anyway, so that the parts can be moved. False when the block holds text only.
  function wrapInlineRuns(el) {
    const nodes = [...el.childNodes];
    const hasText = (n) => n.nodeType !== Node.TEXT_NODE || n.data.trim();
    if (!nodes.some((n) => !isInline(n))) return !nodes.some((n) => isInline(n) && hasText(n));
    let run = null;
    for (const node of nodes) {
      if (!isInline(node)) {
        run = null;
      } else if (run || hasText(node)) {
        if (!run) {
          run = document.createElement("div");
          run.className = "run";
          node.before(run);
        }
        run.appendChild(node);
      }
    }
    return true;
  }

  // ---- code: lines are ranges of the <code> element's child nodes

  function codeElement(el) {
    return el.matches("pre") ? el.querySelector(":scope > code") : el.querySelector(":scope > pre > code");
  }

  // Split text nodes so that every "\n" ends a text node; return the lines as
  // arrays of nodes (the "\n" node ends its line).
  function codeLineNodes(code) {
    for (const node of [...code.childNodes]) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      let current = node;
      let at = current.data.indexOf("\n");
      while (at >= 0 && at < current.data.length - 1) {
        current = current.splitText(at + 1);
        at = current.data.indexOf("\n");
      }
    }
    const lines = [[]];
    for (const node of [...code.childNodes]) {
      lines.at(-1).push(node);
      if (node.nodeType === Node.TEXT_NODE && node.data.endsWith("\n")) lines.push([]);
    }
    if (!lines.at(-1).length) lines.pop();
    return lines;
  }

  function codeLines(el) {
    const code = codeElement(el);
    if (!code) return null;
    return codeLineNodes(code).map((nodes) => ({ code, nodes, line: true }));
  }

  function partBottom(part) {
    if (part.line) {
      const range = document.createRange();
      range.setStartBefore(part.nodes[0]);
      range.setEndAfter(part.nodes.at(-1));
      const rects = [...range.getClientRects()].filter((r) => r.height > 0);
      if (!rects.length) return top(part.code);
      // A text rectangle is the glyphs' height; the line is taller by its leading.
      const last = rects.reduce((a, b) => (b.bottom > a.bottom ? b : a));
      const leading = Math.max(0, px(part.code, "lineHeight") - last.height) / 2;
      return last.bottom + leading;
    }
    // Inside a flex item, a block's bottom margin takes room too.
    return bottom(part) + px(part, "marginBottom");
  }

  // What of a container lies under its last child: padding and border.
  function innerLimit(el, limit) {
    let inner = limit - px(el, "paddingBottom") - px(el, "borderBottomWidth");
    // A flex item holds its last child's bottom margin: the <pre>'s counts;
    // and the "⋯" a split code block ends with takes a line.
    const pre = el.matches("div.sourceCode") && el.querySelector(":scope > pre");
    if (pre) {
      inner -= px(pre, "paddingBottom") + px(pre, "borderBottomWidth") + px(pre, "marginBottom");
    }
    if (pre || el.matches("pre")) inner -= px(pre || el, "lineHeight");
    return inner;
  }

  function cleanClone(el) {
    const copy = el.cloneNode(false);
    // In no language (it shows in the address bar): x, x-c2, x-c3, …
    if (copy.id) copy.id = copy.id.replace(/(?:-c(\d+))?$/, (_, n) => `-c${(Number(n) || 1) + 1}`);
    return copy;
  }

  // A new slide is laid out afresh: none of its first part's layout goes with it.
  const LAYOUT_CLASSES = ["figure-beside", "section-divider", "heading-only", "dense"];

  // A shallow copy of ``el`` that receives ``moved`` (parts or remainders).
  // ``kept`` parts stay in ``el``; an item split in two counts as kept.
  function remainderOf(el, moved, kept) {
    const copy = cleanClone(el);
    copy.classList.add("continued");
    if (el.matches("ol")) {
      const start = parseInt(el.getAttribute("start") || "1", 10) || 1;
      // The item that continues keeps its number: no new number for its rest.
      const split = moved[0] && moved[0].classList && moved[0].classList.contains("continued");
      copy.setAttribute("start", String(start + kept - (split ? 1 : 0)));
    }
    if (el.tagName === "TABLE") {
      for (const child of el.children) {
        if (child.matches("colgroup, thead")) copy.appendChild(child.cloneNode(true));
      }
      const tbody = el.querySelector(":scope > tbody");
      const newBody = cleanClone(tbody);
      for (const row of moved) newBody.appendChild(row);
      copy.appendChild(newBody);
      return copy;
    }
    if (el.matches(".admonition")) {
      const title = el.querySelector(":scope > .admonition-title");
      if (title) {
        const again = title.cloneNode(true);
        if (!el.classList.contains("continued")) again.appendChild(document.createTextNode(continued));
        copy.appendChild(again);
      }
    }
    if (el.matches("div.sourceCode, pre")) {
      const pre = el.matches("pre") ? el : el.querySelector(":scope > pre");
      const code = codeElement(el);
      const newPre = el.matches("pre") ? copy : copy.appendChild(cleanClone(pre));
      newPre.classList.add("continued");
      pre.classList.add("continues");
      const newCode = newPre.appendChild(cleanClone(code));
      for (const part of moved) {
        if (part.line) for (const node of part.nodes) newCode.appendChild(node);
        else for (const node of [...part.childNodes]) newCode.appendChild(node);
      }
      // The last kept line's "\n" would show as an empty line.
      const lastKept = code.lastChild;
      if (lastKept && lastKept.nodeType === Node.TEXT_NODE && lastKept.data.endsWith("\n")) {
        lastKept.data = lastKept.data.slice(0, -1);
      }
      return copy;
    }
    for (const part of moved) copy.appendChild(part);
    return copy;
  }

  // A paragraph taller than the room is split after its last sentence that
  // fits (else its last word that fits); the rest continues in a paragraph
  // of its own. Equations are never split.
  function splitText(el, limit) {
    if (el.querySelector('math[display="block"]')) return null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let sentence = null;
    let word = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest("math, code, a")) continue;
      for (const match of node.data.matchAll(/\s+/g)) {
        if (match.index === 0) continue;
        range.setStart(node, match.index - 1);
        range.setEnd(node, match.index);
        const rect = range.getBoundingClientRect();
        if (rect.height === 0) continue;
        const leading = Math.max(0, px(el, "lineHeight") - rect.height) / 2;
        // The kept part ends with this line, and its bottom margin after it.
        if (rect.bottom + leading + px(el, "marginBottom") > limit) {
          return cutAt(el, sentence || word);
        }
        const at = { node, offset: match.index + match[0].length };
        word = at;
        if (/[.!?:;]/.test(node.data[match.index - 1])) sentence = at;
      }
    }
    // The last line has no space to measure at, and is the one too low.
    const overflows = el.getBoundingClientRect().bottom + px(el, "marginBottom") > limit;
    return overflows ? cutAt(el, sentence || word) : null;
  }

  function cutAt(el, at) {
    if (!at) return null;
    const range = document.createRange();
    range.setStart(at.node, at.offset);
    range.setEnd(el, el.childNodes.length);
    const rest = cleanClone(el);
    rest.classList.add("continued");
    rest.appendChild(range.extractContents());
    return rest.textContent.trim() ? rest : null;
  }

  // A block that fits on a slide of its own goes there whole rather than be
  // split (a list and a table are split between items and rows all the same:
  // their slide stays full, and each item reads on its own).
  function movesWhole(block, room) {
    if (block.line || block.matches("ul, ol, table, tbody")) return false;
    return blockHeight(block) <= room * 0.9;
  }

  // Lists, tables and code are split between their items, rows and lines.
  const splitsEvenly = (el) => el.matches("ul, ol, table, div.sourceCode, pre");

  // How many of ``parts`` stay when the first ``fits`` fit: about half
  // each (by height) when the block ends the slide and its rest fits one
  // slide, not a full slide and a scrap; never so few that a side holds
  // one item or row or two lines: 0 (the block moves whole) unless it comes
  // first on its slide.
  function evenCut(parts, fits, first, ends, room) {
    const least = parts[0].line ? MIN_LINES : MIN_PARTS;
    let keep = fits;
    const start = partTop(parts[0]);
    const total = partBottom(parts.at(-1)) - start;
    if (ends && total <= 2 * room * 0.95) {
      let closest = Infinity;
      for (let k = Math.min(fits, parts.length - 1); k >= 1; k--) {
        const kept = partBottom(parts[k - 1]) - start;
        if (total - kept > room * 0.95) break;
        if (Math.abs(total / 2 - kept) < closest) {
          closest = Math.abs(total / 2 - kept);
          keep = k;
        }
      }
    }
    keep = Math.min(keep, parts.length - least);
    if (keep < least) return first ? Math.max(1, Math.min(fits, keep)) : 0;
    return keep;
  }

  // The remainder of ``el`` from its ``i``-th part on, or from the part
  // before when that one introduces it (a label, a quote's text).
  function movedFrom(el, parts, i) {
    let from = i > 1 && introduces(parts[i - 1], parts[i]) ? i - 1 : i;
    // Closed boxes and tabs (a title a line) go with the part before them,
    // never alone on a slide.
    while (from > 1 && parts.slice(from).every((part) => part.matches && part.matches("details:not([open])"))) from--;
    return remainderOf(el, parts.slice(from), from);
  }

  // Move what of ``el`` lies below ``limit`` into a remainder; null when
  // nothing overflows or when no part could stay. A paragraph is split
  // inside only when it comes first on the slide (moving it would leave
  // nothing) or is taller than a slide: else it moves whole.
  function splitBlock(el, limit, first, room, ends = false) {
    if (el.matches("p, div.run")) {
      return first || el.getBoundingClientRect().height > room ? splitText(el, limit) : null;
    }
    const parts = partsOf(el);
    if (!parts || parts.length === 0) return null;
    const inner = innerLimit(el, limit);
    for (let i = 0; i < parts.length; i++) {
      if (partBottom(parts[i]) <= inner + 0.5) continue;
      const part = parts[i];
      // A list of one item is split inside its item.
      if (splitsEvenly(el) && parts.length > 1) {
        const keep = evenCut(parts, i, first, ends, room);
        return keep > 0 && keep < parts.length ? remainderOf(el, parts.slice(keep), keep) : null;
      }
      if (i > 0 && movesWhole(part, room)) return movedFrom(el, parts, i);
      // Only its bottom margin is too low: it stays, and what follows moves.
      // As the last part, its margin may still keep the block too tall: it
      // moves itself, unless it is the only part.
      if (!part.line && bottom(part) <= inner + 0.5) {
        if (i + 1 < parts.length) return movedFrom(el, parts, i + 1);
        if (bottom(el) <= limit + 0.5) return null;
        return i > 0 ? remainderOf(el, [part], i) : null;
      }
      const rest = part.line ? null : splitBlock(part, inner, first && i === 0, room, ends && i === parts.length - 1);
      if (rest) return remainderOf(el, [rest, ...parts.slice(i + 1)], i + 1);
      if (i === 0) return null;
      return movedFrom(el, parts, i);
    }
    // Every part fits but the block does not: a margin inside its last part
    // stays inside the block. That last part moves.
    const last = parts.at(-1);
    if (bottom(el) > limit + 0.5 && parts.length > 1 && !last.line) {
      return remainderOf(el, [last], parts.length - 1);
    }
    return null;
  }

  // A title without the continued mark a slide before it added.
  function unmark(title) {
    const mark = continued.trim();
    const last = title.lastChild;
    if (last && last.nodeType === Node.TEXT_NODE && last.data.trimEnd().endsWith(mark)) {
      last.data = last.data.trimEnd().slice(0, -mark.length).trimEnd();
      if (!last.data) last.remove();
    }
  }

  function continuationSlide(section, heading, marked = true) {
    const slide = cleanClone(section);
    slide.classList.remove(...LAYOUT_CLASSES);
    for (const name of ["data-autofit", "data-state", "data-background-color"]) slide.removeAttribute(name);
    slide.classList.remove("continued", "next-part");
    slide.classList.add(marked ? "continued" : "next-part");
    if (heading) {
      const title = heading.cloneNode(true);
      title.removeAttribute("id");
      // Continued already, by the build (a second figure) or by this pass.
      if (!marked) unmark(title);
      if (marked && !title.textContent.trimEnd().endsWith(continued.trim())) {
        title.appendChild(document.createTextNode(continued));
      }
      slide.appendChild(title);
    }
    section.after(slide);
    return slide;
  }

  function overflows(section) {
    const limit = contentBox(section).bottom;
    return body(section).some((block) => bottom(block) > limit + 0.5);
  }

  // How many slides the run ``section`` is in has: it and the continued
  // slides before and after it.
  function runLength(section) {
    let count = 1;
    for (let s = section; s.matches(".continued") && s.previousElementSibling; count++) {
      s = s.previousElementSibling;
      if (s.tagName !== "SECTION") break;
    }
    for (let s = section.nextElementSibling; s && s.matches("section.continued"); s = s.nextElementSibling) count++;
    return count;
  }

  function restPointer() {
    const pointer = document.createElement("p");
    pointer.className = "excerpt-more";
    pointer.textContent = excerptWords.rest;
    return pointer;
  }

  function pointerRoom(section) {
    const pointer = section.appendChild(restPointer());
    const height = blockHeight(pointer);
    pointer.remove();
    return Math.ceil(height);
  }

  // The last slide a run may have keeps what fits; the rest goes to its
  // speaker notes (and is all in the handout), and the slide says so.
  function restToNotes(section, moved) {
    // Nothing after a block that fits: nothing is left out.
    if (!moved.length) return null;
    const [lead, ...later] = moved;
    const limit = contentBox(section).bottom;
    // A block that would have moved whole shows its start where it is.
    const room = limit - top(lead) - 1;
    if (lead.parentElement === section && room > roomOf(section) / 3 && excerptWithin(lead, room, later.length > 0)) {
      moveToNotes(section, later);
      return null;
    }
    const notes = moveToNotes(section, moved);
    const pointer = restPointer();
    notes.before(pointer);
    // A figure on the slide makes room for the line, if it can.
    if (bottom(pointer) > limit + 0.5) shrinkFigureBy(section, section, bottom(pointer) - limit);
    let shown = body(section);
    while (shown.length > 2 && bottom(pointer) > limit + 0.5) {
      moveToNotes(section, [shown.at(-2)]);
      shown = body(section);
    }
    // One block left and no room for the line: the block says it instead.
    if (bottom(pointer) > limit + 0.5) {
      pointer.remove();
      const [only] = body(section);
      if (!excerptWithin(only, limit - top(only) - 1, true)) notes.before(pointer);
    }
    return null;
  }

  // Into the slide's speaker notes, before what they held, in order; the notes.
  function moveToNotes(section, blocks) {
    let notes = section.querySelector(":scope > aside.notes");
    if (!notes) notes = section.appendChild(document.createElement("aside"));
    notes.classList.add("notes");
    const first = notes.firstChild;
    for (const block of blocks) notes.insertBefore(block, first);
    return notes;
  }

  // A few words and no picture: too little for a slide of its own (--check
  // reports a continuation like that).
  function isScrap(blocks) {
    if (blocks.some((el) => el.matches("figure, img, svg, math") || el.querySelector("img, svg, math"))) {
      return false;
    }
    // What a closed box holds counts: opened, it is the slide's content.
    const words = blocks.map((el) => el.textContent.split(/\s+/).filter(Boolean).length);
    return words.reduce((a, b) => a + b, 0) < MIN_SLIDE_WORDS;
  }

  // Whether ``before`` belongs with ``block`` on one slide.
  function introduces(before, block) {
    if (!before.matches || !block.matches) return false;
    if (before.matches("h4, h5, h6")) return true;
    const text = (before.textContent || "").trim();
    // An attribution ("— Nam-Ho Kim") after its quote, or inside it after its text.
    const attribution = block.matches("p") && /^[—–]\s/.test(block.textContent.trim());
    if (attribution && (before.matches("blockquote") || before.closest("blockquote"))) return true;
    if (!before.matches("p") || text.length > 200) return false;
    const bold = before.children.length === 1 && before.firstElementChild.matches("strong, b") &&
      before.firstElementChild.textContent.trim() === text;
    return bold || /[:?]$/.test(text);
  }

  // Split ``section`` once if its content is too tall; return the new slide.
  function splitSlide(section) {
    const blocks = body(section);
    // The last slide a run may have keeps room for the line that says the
    // rest is in the handout.
    const capped = runLength(section) >= MAX_SECTION_SLIDES;
    const limit = contentBox(section).bottom - (capped ? pointerRoom(section) : 0);
    const heading = titleOf(section);
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i];
      if (bottom(block) <= limit + 0.5) continue;
      const box = contentBox(section);
      const room = box.bottom - box.top;
      const ends = i === blocks.length - 1;
      // First on the slide: nothing but subheadings above it.
      const first = blocks.slice(0, i).every((above) => above.matches("h4, h5, h6"));
      // The run's last slide: a block that would go on shows its start, and
      // says the rest is in the handout (what follows it, in the notes).
      const shown = limit - top(block) - 1;
      if (capped && shown > room / 3 && excerptWithin(block, shown, i + 1 < blocks.length)) {
        if (i + 1 < blocks.length) moveToNotes(section, blocks.slice(i + 1));
        return null;
      }
      if (i > 0 && closeAsides(section, blocks.slice(0, i), blocks.slice(i), limit)) return null;
      // An exercise that ends the slide shows what fits of it here, and that
      // the rest is in the handout: the class reads it there, not on slides.
      if (i > 0 && ends && isExercise(block) && shown > room / 3 && excerptWithin(block, shown, true)) return null;
      let rest = i > 0 && movesWhole(block, room) ? null : splitBlock(block, limit, first, room, ends);
      if (!rest && i === 0) {
        // Too tall only for the room the line would leave: what follows it goes.
        const fits = bottom(block) <= contentBox(section).bottom + 0.5;
        return capped && fits ? restToNotes(section, blocks.slice(1)) : shrinkAlone(section, block);
      }
      let from = rest ? i + 1 : i;
      // A figure under its subheadings alone comes down to fit under them
      // (they are one part): a slide of a heading alone says nothing.
      const headed = blocks.slice(0, i).every((above) => above.matches("h4, h5, h6"));
      if (!rest && i > 0 && headed && block.matches("figure") && fitUnder(block, limit)) {
        from = i + 1;
        if (from >= blocks.length) return null;
      }
      // A subheading goes with what it introduces, never last on a slide
      // (unless nothing else would stay).
      // So does a label ("…:", "**Ehdokas 2**") with its block, and a quote
      // with the attribution after it.
      // Nor does a continuation show a scrap: the block before comes along.
      while (!rest && from > 1 && (introduces(blocks[from - 1], blocks[from]) || isScrap(blocks.slice(from)))) {
        from--;
      }
      // With one block left before it, that block's last third comes along.
      if (!rest && from === 1 && isScrap(blocks.slice(1))) {
        const lead = blocks[0];
        rest = splitBlock(lead, bottom(lead) - blockHeight(lead) / 3, true, room, false);
      }
      // A slide that starts with a subheading or a figure starts a part of
      // its own: its title is not marked continued.
      // So does an exercise moved whole: its own title heads it.
      const part = !rest && (blocks[from].matches("h4, h5, h6, figure") || isExercise(blocks[from]));
      if (!part && runLength(section) >= MAX_SECTION_SLIDES) {
        return restToNotes(section, rest ? [rest, ...blocks.slice(from)] : blocks.slice(from));
      }
      const slide = continuationSlide(section, heading, !part);
      if (rest) slide.appendChild(rest);
      for (const moved of blocks.slice(from)) slide.appendChild(moved);
      return slide;
    }
    return null;
  }

  // The one case left for zoom: a single block that is too big even alone.
  function shrinkAlone(section, block) {
    // Equations first come down to the text's size, as for width.
    const maths = [...block.querySelectorAll('math[display="block"]')];
    for (const size of maths.length ? DISPLAY_MATH_SIZES : []) {
      for (const math of maths) math.style.fontSize = size;
      const box = contentBox(section);
      if (bottom(block) <= box.bottom + 0.5) return splitSlide(section);
      // Or the block can now be split after its equation.
      const rest = splitBlock(block, box.bottom, true, box.bottom - box.top);
      if (rest) {
        const slide = continuationSlide(section, titleOf(section));
        slide.appendChild(rest);
        for (const moved of body(section).slice(1)) slide.appendChild(moved);
        return slide;
      }
    }
    // A figure in it draws smaller, as far as its minimum, before all of it is.
    const over = bottom(block) - contentBox(section).bottom;
    if (shrinkFigureBy(section, block, over) && bottom(block) <= contentBox(section).bottom + 0.5) {
      return splitSlide(section);
    }
    const box = contentBox(section);
    const height = block.getBoundingClientRect().height;
    const zoom = Math.floor(Math.min(1, (box.bottom - top(block)) / height) * 1000) / 1000;
    block.style.zoom = String(zoom);
    section.setAttribute("data-autofit", String(zoom));
    warnings.push(`slide '${slideTitle(section)}': ${describe(block)} is too tall even alone; shown at ${Math.round(zoom * 100)} %`);
    const later = body(section).slice(1);
    if (!later.length) return null;
    const slide = continuationSlide(section, titleOf(section));
    for (const moved of later) slide.appendChild(moved);
    return slide;
  }

  // A block wider than the slide that cannot wrap (a long equation): zoomed
  // to the width, with a warning.
  function fitWidth(section) {
    const box = contentBox(section);
    const tooWide = (block) =>
      Math.max(block.scrollWidth, block.getBoundingClientRect().width) > box.width + 1;
    for (const block of body(section)) {
      if (!tooWide(block)) continue;
      // Display math is set larger than the text; a long equation may come
      // down to the text's own size before anything is shrunk.
      for (const size of DISPLAY_MATH_SIZES) {
        const maths = [...block.querySelectorAll('math[display="block"]')];
        if (!maths.length) break;
        for (const math of maths) math.style.fontSize = size;
        if (!tooWide(block)) break;
      }
      if (!tooWide(block)) continue;
      // A wide table (many narrow columns) sets its cells closer and its
      // text at the code's floor before anything is shrunk.
      const tables = [...(block.matches("table") ? [block] : block.querySelectorAll("table"))];
      for (const table of tables) table.classList.add("compact");
      if (!tooWide(block)) continue;
      const wide = Math.max(block.scrollWidth, block.getBoundingClientRect().width);
      const zoom = Math.floor((box.width / wide) * 1000) / 1000;
      block.style.zoom = String(zoom);
      section.setAttribute("data-autofit", String(zoom));
      warnings.push(`slide '${slideTitle(section)}': ${describe(block)} is too wide; shown at ${Math.round(zoom * 100)} %`);
    }
  }

  // ---------------------------------------------------------- condensing

  const roomOf = (section) => {
    const box = contentBox(section);
    return box.bottom - box.top;
  };
  const isShown = (el) => !el.closest("aside.notes, div.notes, details:not([open])");

  // A slide that overflows sets its blocks closer (deck.css's section.dense),
  // its figure sized again for the room that leaves.
  function tighten(section) {
    if (!overflows(section)) return;
    section.classList.add("dense");
    arrangeFigure(section);
  }

  // Code on a slide that overflows steps down, as far as the floor, until
  // the slide fits.
  function stepDownCode(section) {
    if (!overflows(section)) return;
    const blocks = [...section.querySelectorAll("pre")].filter(isShown);
    if (!blocks.length) return;
    for (const size of CODE_SIZES) {
      for (const pre of blocks) pre.style.fontSize = `${size}px`;
      if (!overflows(section)) return;
    }
    // Still too tall: the slide continues, its code at the floor (more
    // lines a slide, and one size of code through the run).
  }

  function partTop(part) {
    if (!part.line) return top(part);
    const range = document.createRange();
    range.setStartBefore(part.nodes[0]);
    range.setEndAfter(part.nodes.at(-1));
    const rects = [...range.getClientRects()].filter((r) => r.height > 0);
    return rects.length ? Math.min(...rects.map((r) => r.top)) : top(part.code);
  }

  const lineText = (part) => part.nodes.map((node) => node.textContent).join("");

  // An excerpt of code ends where a reader can stop: before a blank line or
  // a line back at the left margin, if one is in the last third of it.
  function balancedEnd(parts, keep) {
    if (!parts[0].line || keep >= parts.length) return keep;
    for (let end = keep; end >= Math.max(MIN_LINES, Math.ceil((2 * keep) / 3)); end--) {
      const next = lineText(parts[end]);
      if (!next.trim() || (/^\S/.test(next) && !/^[)\]}]/.test(next))) return end;
    }
    return keep;
  }

  function excerptKind(el) {
    if (el.matches("div.sourceCode, pre")) return "lines";
    if (el.matches("ul, ol")) return "items";
    if (el.tagName === "TABLE") return "rows";
    return "rest";
  }

  // One part left out is "the rest", not "1 more lines".
  function pointerText(kind, count) {
    if (kind === "rest" || count < 2) return excerptWords.rest;
    return excerptWords[kind].replace("{n}", String(count));
  }

  // The line that says what an excerpt leaves out, at the end of its block.
  function addPointer(el, kind) {
    let pointer;
    if (el.matches("div.sourceCode, pre")) {
      const pre = el.matches("pre") ? el : el.querySelector(":scope > pre");
      pre.classList.add("excerpt");
      pointer = pre.appendChild(document.createElement("span"));
    } else if (el.matches("ul, ol")) {
      pointer = el.appendChild(document.createElement("li"));
    } else if (el.tagName === "TABLE") {
      const row = el.querySelector(":scope > tbody").appendChild(document.createElement("tr"));
      row.className = "excerpt-more";
      pointer = row.appendChild(document.createElement("td"));
      pointer.colSpan = Math.max(1, ...[...el.rows].map((r) => r.cells.length));
    } else {
      pointer = el.appendChild(document.createElement("p"));
    }
    pointer.classList.add("excerpt-more");
    pointer.textContent = pointerText(kind, 99);
    return pointer;
  }

  function dropPart(part) {
    if (part.line) {
      for (const node of part.nodes) node.remove();
      return;
    }
    const after = part.nextSibling;
    if (after && after.nodeType === Node.TEXT_NODE && !after.data.trim()) after.remove();
    part.remove();
  }

  function removePointer(pointer) {
    (pointer.matches("td") ? pointer.parentElement : pointer).remove();
  }

  // Cut ``el`` to what fits in ``height`` px from its top, and say what is
  // left out; ``rest``: say only that the rest is in the handout (more
  // follows the block). A box whose part is cut through cuts that part (an
  // exercise's long code keeps its first lines). True when anything was cut.
  function excerpt(el, height, rest = false) {
    const parts = el.matches("details:not([open])") ? null : partsOf(el);
    if (!parts || !parts.length) return false;
    if (parts.length === 1) {
      const only = parts[0];
      if (only.line) return false;
      const around = top(only) - top(el) + bottom(el) - bottom(only);
      return excerpt(only, height - around, rest) && (el.classList.add("excerpt"), true);
    }
    const kind = rest ? "rest" : excerptKind(el);
    const pointer = addPointer(el, kind);
    const limit = top(el) + height;
    const after = bottom(el) + px(el, "marginBottom") - partBottom(parts.at(-1));
    let keep = parts.findIndex((part) => partBottom(part) + after > limit + 0.5);
    if (keep < 0) {
      removePointer(pointer);
      return false;
    }
    const cut = parts[keep];
    const room = cut.line ? 0 : limit - after - top(cut);
    if (kind === "rest" && room > height / 4) {
      const more = keep + 1 < parts.length;
      if (excerpt(cut, room, more)) {
        // The part cut through says what is left out, of it and after it.
        removePointer(pointer);
        for (const part of parts.slice(keep + 1)) dropPart(part);
        el.classList.add("excerpt");
        return true;
      }
    }
    keep = balancedEnd(parts, Math.max(keep, 1));
    // Blank lines at the end of the kept code would show as a gap.
    while (keep > 1 && parts[keep - 1].line && !lineText(parts[keep - 1]).trim()) keep--;
    const dropped = parts.slice(keep);
    if (!dropped.length) {
      removePointer(pointer);
      return false;
    }
    for (const part of dropped) dropPart(part);
    if (kind === "lines") {
      const code = codeElement(el);
      const last = code.lastChild;
      if (last && last.nodeType === Node.TEXT_NODE && last.data.endsWith("\n")) last.data = last.data.slice(0, -1);
    }
    pointer.textContent = pointerText(kind, dropped.length);
    el.classList.add("excerpt");
    return true;
  }

  // The room under the title on a slide continuing ``section``.
  function continuedRoom(section) {
    const title = titleOf(section);
    if (!title || title.textContent.trimEnd().endsWith(continued.trim())) return roomOf(section);
    const mark = title.appendChild(document.createTextNode(continued));
    const room = roomOf(section);
    mark.remove();
    return room;
  }

  // excerpt(), held to its height: the padding and margins of boxes inside
  // boxes can make a cut a few px too tall, and then it is cut shorter; a
  // block that cannot be cut to fit is left whole (false).
  function excerptWithin(el, height, rest = false) {
    const original = el.cloneNode(true);
    for (let slack = 0; slack <= EXCERPT_SLACK * 3; slack += EXCERPT_SLACK) {
      if (!excerpt(el, height - slack, rest)) return false;
      if (bottom(el) <= top(el) + height + 0.5) return true;
      el.className = original.className;
      el.replaceChildren(...original.cloneNode(true).childNodes);
    }
    return false;
  }

  // A block that would need more than MAX_BLOCK_SLIDES slides (an exercise:
  // more than one) is cut to one slide's worth.
  function excerptLongBlocks(section) {
    const room = roomOf(section);
    for (const block of body(section)) {
      // Cut to what a continuation's room holds: the block may go on to one,
      // whose title (with its mark) can take a line more.
      const slides = isExercise(block) ? 1 : MAX_BLOCK_SLIDES;
      if (blockHeight(block) > slides * room) excerptWithin(block, continuedRoom(section) - 1);
    }
  }

  // A box shown closed: its title is the <summary> the instructor opens.
  // A link in the title goes into the box (a control in a control).
  function closeBox(box) {
    const details = document.createElement("details");
    details.className = box.className;
    details.classList.add("closed-here");
    if (box.id) details.id = box.id;
    const title = box.querySelector(":scope > .admonition-title");
    const summary = details.appendChild(document.createElement("summary"));
    summary.className = "admonition-title";
    summary.append(...title.childNodes);
    title.remove();
    const links = [...summary.querySelectorAll("a")];
    if (links.length) {
      const shown = details.appendChild(document.createElement("p"));
      links.forEach((link, index) => {
        if (index) shown.append(", ");
        shown.appendChild(link.cloneNode(true));
        link.replaceWith(...link.childNodes);
      });
    }
    details.append(...box.childNodes);
    box.replaceWith(details);
    return details;
  }

  // A box the reader may pass over (a tip, a note, a warning): not an
  // exercise (Material's question) nor an example, which are the lesson.
  const isAside = (el) =>
    el.matches("div.admonition:not(.example)") &&
    Boolean(el.querySelector(":scope > .admonition-title")) &&
    !isExercise(el);
  // An exercise: Material's question box, or a box whose title says so.
  const isExercise = (el) => {
    if (!el.matches("div.admonition")) return false;
    if (el.matches(".question, .help, .faq, .exercise")) return true;
    const title = el.querySelector(":scope > .admonition-title");
    const words = title ? title.textContent.toLowerCase().match(/\p{L}+/gu) || [] : [];
    return words.some((word) => exerciseWords.some((start) => word.startsWith(start)));
  };

  // Asides that end a slide and would go on to a slide of their own are
  // shown closed where they stand, when that is all it takes: their titles
  // stay on the slide, the instructor opens one over it (deck.css), and the
  // handout has them open. True when they were closed.
  function closeAsides(section, above, later, limit) {
    if (!later.length || !later.every(isAside) || isScrap(above)) return false;
    const closed = later.map((box) => {
      const copy = box.cloneNode(true);
      box.replaceWith(copy);
      return [box, closeBox(copy)];
    });
    const over = () => bottom(closed.at(-1)[1]) - limit;
    if (over() <= 0.5) return true;
    // A figure above may make room for their titles, down to its minimum.
    const sizes = [...section.querySelectorAll("img")].map((img) => [img, img.getAttribute("style"), img.dataset.sized]);
    if (shrinkFigureBy(section, section, over()) && over() <= 0.5) return true;
    for (const [img, style, sized] of sizes) {
      if (style === null) img.removeAttribute("style");
      else img.setAttribute("style", style);
      if (sized === undefined) delete img.dataset.sized;
    }
    for (const [box, details] of closed) details.replaceWith(box);
    return false;
  }

  // A section that would need more than MAX_SECTION_SLIDES slides shows its
  // boxes closed, the tallest first, until it would not.
  function condenseSection(section) {
    const room = roomOf(section);
    const needed = () => body(section).reduce((sum, el) => sum + blockHeight(el), 0) / (room * SLIDE_FILL);
    if (needed() <= MAX_SECTION_SLIDES) return;
    const boxes = body(section)
      .filter((el) => el.matches("div.admonition") && el.querySelector(":scope > .admonition-title"))
      .map((box) => [box, blockHeight(box)])
      .sort((a, b) => b[1] - a[1]);
    for (const [box] of boxes) {
      if (needed() <= MAX_SECTION_SLIDES) break;
      closeBox(box);
    }
  }

  // ------------------------------------------------------------ footnotes

  // slides.lua numbers every footnote "[n]" where it is cited and lists them
  // on the sources slide ("Lähteet"): each number's text, from that list.
  const NOTE_REF = /^\[(\d+)\]$/;
  const noteTexts = (() => {
    const sources = leafSlides().find((s) => slideTitle(s) === sourcesTitle);
    const list = sources && sources.querySelector(":scope > ol");
    return list ? [...list.children].map((item) => item.textContent.split(/\s+/).join(" ").trim()) : [];
  })();

  function citedIn(section) {
    const numbers = [];
    for (const sup of section.querySelectorAll("sup")) {
      const match = NOTE_REF.exec(sup.textContent.trim());
      if (!match || !isShown(sup) || sup.closest("div.slide-foot")) continue;
      const number = Number(match[1]);
      if (number <= noteTexts.length && !numbers.includes(number)) numbers.push(number);
    }
    return numbers;
  }

  // The footnotes a slide cites, small at its foot, where the audience reads
  // them with the slide; the sources slide and the handout have them whole.
  function updateFoot(section) {
    if (!noteTexts.length || slideTitle(section) === sourcesTitle || section.dataset.footless) return;
    const numbers = citedIn(section);
    let foot = section.querySelector(":scope > div.slide-foot");
    if (foot && foot.dataset.notes === numbers.join(",")) return;
    if (foot) foot.remove();
    if (!numbers.length) return;
    foot = document.createElement("div");
    foot.className = numbers.length > FOOT_LONG_NOTES ? "slide-foot many" : "slide-foot";
    foot.dataset.notes = numbers.join(",");
    for (const number of numbers) {
      const line = foot.appendChild(document.createElement("p"));
      line.textContent = `[${number}] ${noteTexts[number - 1]}`;
    }
    const notes = section.querySelector(":scope > aside.notes");
    section.insertBefore(foot, notes);
  }

  // A slide that would fit but for its footnotes keeps its content whole:
  // its citations point to the sources slide alone.
  function dropFootForContent(section) {
    const foot = section.querySelector(":scope > div.slide-foot");
    if (!foot || !overflows(section)) return;
    const after = foot.nextSibling;
    foot.remove();
    // A figure is sized for the room anew: without the notes it has more.
    arrangeFigure(section);
    if (!overflows(section)) {
      section.dataset.footless = "1";
      return;
    }
    section.insertBefore(foot, after);
    arrangeFigure(section);
  }

  // ------------------------------------------------------------ dividers

  function markDivider(section) {
    const shown = shownChildren(section);
    if (shown.length !== 1) return;
    if (shown[0].tagName === "H2") {
      section.classList.add("section-divider");
      section.setAttribute("data-state", "section-divider");
      section.setAttribute("data-background-color", "#476779");
    } else if (/^H[3-6]$/.test(shown[0].tagName)) {
      section.classList.add("heading-only");
      section.setAttribute("data-state", "heading-only");
    }
  }

  // --------------------------------------------------------- title slide

  // The largest of the title sizes at which no word is broken and the title
  // takes at most four lines; the smallest when none is.
  function fitTitle() {
    const title = document.querySelector("#deck-title h1");
    if (!title) return null;
    const section = title.closest("section");
    const lines = () => title.getBoundingClientRect().height / px(title, "lineHeight");
    const fits = () =>
      title.scrollWidth <= title.clientWidth + 1 &&
      lines() <= 4.5 &&
      section.scrollHeight <= CONTENT_BOTTOM + 1;
    title.style.overflowWrap = "normal"; // a word too long must show, not break
    let chosen = TITLE_SIZES.at(-1);
    for (const size of TITLE_SIZES) {
      title.style.fontSize = `${size}px`;
      if (fits()) {
        chosen = size;
        break;
      }
    }
    title.removeAttribute("style");
    return chosen === TITLE_SIZES[0] ? null : chosen;
  }

  // ------------------------------------------------------------ the pass

  // reveal.js marks a vertical stack of slides "stack" when it starts; the
  // theme lays the stack out by that class, so mark them here too.
  const stacks = [...root.querySelectorAll("section")].filter((s) => s.querySelector("section"));
  for (const stack of stacks) stack.classList.add("stack");

  const titleSize = fitTitle();
  const queue = leafSlides();
  // A page is untrusted input: its deck may take this long and be this long, no more.
  const deadline = performance.now() + maxSeconds * 1000;
  let slideCount = queue.length;
  while (queue.length) {
    if (performance.now() > deadline) {
      throw new Error(`laying the deck out takes longer than ${maxSeconds} s`);
    }
    if (slideCount > maxSlides) {
      throw new Error(`the deck needs more than ${maxSlides} slides`);
    }
    const section = queue.shift();
    updateFoot(section);
    markDivider(section);
    arrangeFigure(section);
    arrangeGallery(section);
    sizeNestedFigures(section);
    fitWidth(section);
    // Condense before continuing: closer blocks, smaller code, excerpts, closed boxes.
    tighten(section);
    stepDownCode(section);
    excerptLongBlocks(section);
    if (!section.matches(".continued, .next-part")) condenseSection(section);
    // A split can leave a block taller than its parts (a line box, say):
    // then split again, the new slide going before the one made first.
    const made = [];
    // Condensing may have cut a citation out (an excerpt, a closed box).
    updateFoot(section);
    dropFootForContent(section);
    for (let tries = 0; tries < MAX_SPLITS_A_SLIDE && overflows(section); tries++) {
      const next = splitSlide(section);
      // What moved on took its footnotes along.
      updateFoot(section);
      if (!next) break;
      made.unshift(next);
    }
    // The figure it stood beside went on to a slide of its own.
    if (section.classList.contains("figure-beside") && !figureImage(section)) {
      section.classList.remove("figure-beside");
    }
    growFigure(section);
    queue.unshift(...made);
    slideCount += made.length;
  }

  // Code wider than its slide scrolls sideways: it takes the keyboard's focus,
  // or a student without a mouse cannot read the rest (axe: scrollable-region-focusable).
  for (const pre of root.querySelectorAll("pre")) {
    if (pre.scrollWidth > pre.clientWidth + 1) pre.setAttribute("tabindex", "0");
  }
  for (const img of described) if (img.dataset.sized) warnSmallText(img);
  // Lazy again, clones in continued titles too: reveal.js loads them as they near.
  for (const img of root.querySelectorAll("img[data-src][src]")) img.removeAttribute("src");
  // The size an image was given to be laid out goes, unless it is a figure's.
  for (const img of described) {
    if (!img.dataset.sized) {
      if (styles.get(img) === null) img.removeAttribute("style");
      else img.setAttribute("style", styles.get(img));
    }
    img.removeAttribute("data-sized");
    img.removeAttribute("data-natural-width");
    img.removeAttribute("data-natural-height");
  }
  // An icon's clone in a continued title: the same, as far as it can be told.
  for (const img of root.querySelectorAll("img[data-natural-width]")) {
    if (!img.dataset.sized) {
      img.style.removeProperty("aspect-ratio");
      if (img.classList.contains("twemoji")) img.style.removeProperty("width");
      if (!img.getAttribute("style")) img.removeAttribute("style");
    }
    for (const name of ["data-sized", "data-natural-width", "data-natural-height"]) img.removeAttribute(name);
  }
  for (const foot of root.querySelectorAll("div.slide-foot")) foot.removeAttribute("data-notes");
  for (const section of root.querySelectorAll("section[data-footless]")) section.removeAttribute("data-footless");
  for (const stack of stacks) {
    stack.classList.remove("stack");
    if (!stack.classList.length) stack.removeAttribute("class");
  }
  const slides = [...root.children]
    .filter((el) => el.id !== "deck-title")
    .map((el) => el.outerHTML)
    .join("\n");
  return { slides, titleSize, warnings };
}
