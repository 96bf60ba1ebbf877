-- Shape a lesson into reveal.js slides (run after captions.lua).
--
-- "##" starts a section and "###" a slide. On a slide: headings, figures,
-- display math, lists, tables, admonitions, code, and the sentences the
-- instructor highlighted with ==...== as points. Prose goes to the speaker
-- notes. A slide that would show only its heading shows its lead instead: the
-- first sentence of each prose paragraph. Prose before the first section goes
-- to the title slide's notes (a div.title-notes first in the output, which
-- deck.py moves there); visible blocks before it get a slide titled with the
-- lesson title. A slide holds at most one figure, which the build's layout
-- pass sizes to fill it; another starts a continuation slide (how much else
-- fits is measured there, in the browser). A figure with a slide layout (metadata
-- "slide-variants") is shown step by step, one slide per variant. Footnotes
-- become numbered sources on a last "Lähteet" slide.

-- Shared with handout.lua: both parts read the build's --metadata options alike.
local metadata = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "metadata.lua" }))
local image_alt = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "image_alt.lua" }))

-- The page's language's words (metadata words): set by Pandoc() before any walk.
local words = {}
local MAX_LEAD_POINTS = 4 -- first sentences shown on a slide that has only prose
local SHORT_HIGHLIGHT_WORDS = 4 -- a highlight shorter than this is shown in its sentence
local TITLE_NOTES_CLASS = "title-notes" -- deck.py looks for this class

-- Words ending in a full stop that do not end a sentence, lowercased and
-- without the stop. Those that often do end one ("jne.", "yms.") are left out:
-- they end a sentence when a capital letter follows.
local ABBREVIATIONS = {}
for _, word in ipairs({
  "esim", "mm", "engl", "eng", "ts", "n", "ns", "nk", "suom", "ruots", "lat", "vrt", "ks",
  "ko", "em", "ml", "pl", "yl", "huom", "so", "vs", "e.g", "i.e", "cf", "prof", "dos", "tri",
  "toim", "s", "v", "nro", "no", "klo", "kpl", "milj", "mrd", "tuh", "fig", "eq", "ca",
}) do
  ABBREVIATIONS[word] = true
end

local sources = pandoc.List()
local source_numbers = {}
local slide_variants = {} -- image src -> list of its slide layout's srcs

local function register_source(blocks)
  local key = pandoc.utils.stringify(blocks)
  if not source_numbers[key] then
    sources:insert(blocks)
    source_numbers[key] = #sources
  end
  return source_numbers[key]
end

local notes_filter = {
  Note = function(note)
    local number = register_source(note.content)
    return pandoc.Superscript({ pandoc.Str("[" .. number .. "]") })
  end,
}

local function is_display_math(block)
  if block.t ~= "Para" and block.t ~= "Plain" then
    return false
  end
  local seen = false
  for _, inline in ipairs(block.content) do
    if inline.t == "Math" and inline.mathtype == "DisplayMath" then
      seen = true
    elseif inline.t ~= "Space" and inline.t ~= "SoftBreak" then
      return false
    end
  end
  return seen
end

local function is_heavy(block)
  return block.t == "Figure"
end

-- Sentences ------------------------------------------------------------------

local SPACES = { Space = true, SoftBreak = true, LineBreak = true }

local function is_space(inline)
  return inline ~= nil and SPACES[inline.t] == true
end

local TEXT_CONTAINERS = {
  Emph = true, Strong = true, Underline = true, Strikeout = true, SmallCaps = true,
  Span = true, Quoted = true,
}

-- The text an inline ends with, when its end can end a sentence: a word, or
-- an emphasised or highlighted phrase. A link's, code's or formula's cannot.
local function closing_text(inline)
  if inline.t == "Str" then
    return inline.text
  elseif TEXT_CONTAINERS[inline.t] then
    return pandoc.utils.stringify(inline)
  end
  return nil
end

-- Quotes and brackets that may close a sentence after its stop. (Lua patterns
-- see bytes: the class holds the bytes of ” ’ », and after a stop only these
-- marks, in valid UTF-8, are made of them.)
local CLOSERS = "[\"'”’»%)%]]*$"
local STOP = "[%.!?]" .. CLOSERS
local ELLIPSIS = "…" .. CLOSERS
-- Marks after which a small letter may go on with the sentence.
local GOING_ON = { "[!?]" .. CLOSERS, ELLIPSIS, "%.%." .. CLOSERS }

local function ends_with_stop(inline)
  local text = closing_text(inline)
  return text ~= nil and (text:match(STOP) or text:match(ELLIPSIS)) ~= nil
end

local function starts_lowercase(inline)
  local text = (inline.t == "Str" and inline.text) or closing_text(inline)
    or (inline.t == "Link" and pandoc.utils.stringify(inline))
  if not text or text == "" then
    return false
  end
  local first = pandoc.text.sub(text, 1, 1)
  return pandoc.text.lower(first) == first and pandoc.text.upper(first) ~= first
end

local OPENERS = { "(", "[", "\"", "'", "“", "‘", "«" }

-- The word a Str ends with a full stop, without the brackets and quotes before it.
local function stopped_word(inline)
  if inline.t ~= "Str" or not inline.text:match("%.$") then
    return nil
  end
  local word = inline.text
  local stripped = true
  while stripped do
    stripped = false
    for _, opener in ipairs(OPENERS) do
      if word:sub(1, #opener) == opener then
        word = word:sub(#opener + 1)
        stripped = true
      end
    end
  end
  return word
end

-- Letters each followed by a stop, the last one's taken off: "a.k.a", "U.S".
local function is_initialism(word)
  local rest, letters = word:gsub("%a%.", "")
  return letters > 0 and rest:match("^%a$") ~= nil
end

-- A word that a full stop ends without ending the sentence: "esim.", an
-- initial ("S. Prince"), letters with stops ("a.k.a.", "z.B.").
local function is_abbreviation(inline)
  local word = stopped_word(inline)
  if not word then
    return false
  end
  word = word:gsub("%.$", "")
  return word:match("^%u$") ~= nil
    or is_initialism(word)
    or ABBREVIATIONS[pandoc.text.lower(word)] == true
end

-- The round brackets the text of ``inline`` opens and closes.
local function brackets(inline)
  local text = closing_text(inline)
  if not text then
    return 0, 0
  end
  local _, opened = text:gsub("%(", "")
  local _, closed = text:gsub("%)", "")
  return opened, closed
end

-- A stop that goes on when a small letter follows: a quoted question ("Miksi?"
-- kysyi), an ellipsis, an ordinal ("3. kerros"), a short word that is likely an
-- abbreviation ("kts. alla"). A long word's full stop ends the sentence even
-- then ("algoritmeista. k-NN toimii").
local function may_continue(inline)
  local text = closing_text(inline) or ""
  for _, mark in ipairs(GOING_ON) do
    if text:match(mark) then
      return true
    end
  end
  local word = stopped_word(inline)
  return word ~= nil and (word:match("^%d+%.$") ~= nil or pandoc.text.len(word) <= 5)
end

local function trimmed(inlines)
  local first, last = 1, #inlines
  while first <= last and is_space(inlines[first]) do
    first = first + 1
  end
  while last >= first and is_space(inlines[last]) do
    last = last - 1
  end
  local out = pandoc.List()
  for i = first, last do
    out:insert(inlines[i])
  end
  return out
end

-- ``inlines`` cut into sentences. A sentence ends at ".", "!" or "?" before a
-- space, unless the word is an abbreviation ("esim.") or an ordinal, an
-- ellipsis or a short word before a small letter ("1. kerros"), or a bracket
-- opened in the sentence closes after it (a cut there would leave it open; one
-- never closed, a slip of the pen, is let be). Source marks right after the
-- stop stay with their sentence. Links, math, code and emphasis are never cut.
local function sentences(inlines)
  local found = pandoc.List()
  local current = pandoc.List()
  local closing_later = 0 -- the brackets that close after the current inline
  for _, inline in ipairs(inlines) do
    local _, closed = brackets(inline)
    closing_later = closing_later + closed
  end
  local depth = 0 -- round brackets open in the current sentence
  local i = 1
  while i <= #inlines do
    local inline = inlines[i]
    current:insert(inline)
    local opened, closed = brackets(inline)
    depth = math.max(0, depth + opened - closed)
    closing_later = closing_later - closed
    local inside = depth > 0 and closing_later > 0
    local split_after = nil
    if not inside and ends_with_stop(inline) and not is_abbreviation(inline) then
      -- Source marks ("[1]") after the stop, with or without a space between.
      local last = i
      local probe = i + 1
      while true do
        while is_space(inlines[probe]) do
          probe = probe + 1
        end
        if inlines[probe] and inlines[probe].t == "Superscript" then
          last = probe
          probe = probe + 1
        else
          break
        end
      end
      local after = inlines[last + 1]
      local next_word = inlines[probe]
      local goes_on = next_word and starts_lowercase(next_word) and may_continue(inline)
      if after == nil or (is_space(after) and not goes_on) then
        split_after = last
      end
    end
    if split_after then
      for j = i + 1, split_after do
        current:insert(inlines[j])
      end
      found:insert(trimmed(current))
      current = pandoc.List()
      depth = 0
      i = split_after + 1
    else
      i = i + 1
    end
  end
  current = trimmed(current)
  if #current > 0 then
    found:insert(current)
  end
  return found
end

-- The inlines of ``inlines`` up to the end of its first sentence, and whether
-- anything was left out. Text wholly in italics is shortened inside its italics.
local function first_sentence(inlines)
  local all = sentences(inlines)
  local first = all[1] or pandoc.List()
  local lead = first[1]
  -- What may follow the italics and still leave them the whole text: a source mark.
  local only_marks = true
  for i = 2, #first do
    if not (is_space(first[i]) or first[i].t == "Superscript" or first[i].t == "Note") then
      only_marks = false
    end
  end
  if lead and (lead.t == "Emph" or lead.t == "Strong") and only_marks then
    local inner, cut = first_sentence(lead.content)
    local wrapped = lead.t == "Emph" and pandoc.Emph(inner) or pandoc.Strong(inner)
    if not (cut or #all > 1) then
      return first, false
    end
    return pandoc.List({ wrapped }), true
  end
  return first, #all > 1
end

-- Highlights -----------------------------------------------------------------

local function highlights(inlines)
  local marks = pandoc.List()
  pandoc.Inlines(inlines):walk({
    Span = function(span)
      if span.classes:includes("mark") then
        marks:insert(span)
      end
    end,
  })
  return marks
end

-- Inlines with no inlines inside, and those whose inlines are their content.
local LEAVES = {
  Str = true, Space = true, SoftBreak = true, LineBreak = true,
  Code = true, Math = true, RawInline = true,
}
local WITH_CONTENT = {
  Emph = true, Underline = true, Strong = true, Strikeout = true, Superscript = true,
  Subscript = true, SmallCaps = true, Quoted = true, Link = true, Span = true,
}

-- Whether ``inlines`` hold a highlight, as highlights() would find it. Looked
-- for in Lua: a walk converts every inline to Haskell and back, and walking
-- each paragraph took ~40 ms of a lesson's ~300 ms Pandoc run.
local function has_highlight(inlines)
  for _, inline in ipairs(inlines) do
    local kind = inline.t
    if WITH_CONTENT[kind] then
      if (kind == "Span" and inline.classes:includes("mark")) or has_highlight(inline.content) then
        return true
      end
    elseif not LEAVES[kind] and #highlights({ inline }) > 0 then
      return true -- an image's caption, a note's blocks: as the walk sees them
    end
  end
  return false
end

local function word_count(inline)
  local count = 0
  for _ in pandoc.utils.stringify(inline):gmatch("%S+") do
    count = count + 1
  end
  return count
end

-- The points a prose paragraph's highlights make: a highlight of four or more
-- words alone, otherwise the whole sentence with its highlights marked. A
-- sentence gives one point however many highlights it has.
local function highlighted_points(block)
  local points = pandoc.List()
  if not has_highlight(block.content) then
    return points -- most paragraphs: not cut into sentences for nothing
  end
  for _, sentence in ipairs(sentences(block.content)) do
    local marks = highlights(sentence)
    if #marks == 1 and word_count(marks[1]) >= SHORT_HIGHLIGHT_WORDS then
      points:insert({ pandoc.Plain(marks[1].content) })
    elseif #marks > 0 then
      points:insert({ pandoc.Plain(sentence) })
    end
  end
  return points
end

-- Captions -------------------------------------------------------------------

-- The credit that ends a caption: "(mukaillen Prince 2023 [1])" or a source mark.
local function credit(inlines)
  local last = inlines[#inlines]
  if last and last.t == "Superscript" then
    return pandoc.List({ last })
  end
  if not pandoc.utils.stringify(inlines):match("%)%s*$") then
    return nil
  end
  for i = #inlines, 1, -1 do
    local inline = inlines[i]
    if inline.t == "Str" and inline.text:match("^%(") then
      local tail = pandoc.List()
      for j = i, #inlines do
        tail:insert(inlines[j])
      end
      return tail
    end
  end
  return nil
end

local function short_caption(figure)
  -- The slide shows "Kuva N:", the caption's first sentence and its credit.
  local inlines = pandoc.utils.blocks_to_inlines(figure.caption.long or {})
  while #inlines > 0 and (inlines[#inlines].t == "Space" or inlines[#inlines].t == "SoftBreak") do
    inlines:remove()
  end
  local first, cut = first_sentence(inlines)
  local number = figure.attributes["number"]
  local caption = pandoc.List()
  -- A figure without caption text (a diagram, as a rule) gets no bare "Kuva N:".
  if number and #first > 0 then
    caption:insert(pandoc.Strong({ pandoc.Str(words.figure .. " " .. number .. ":") }))
  end
  if #first > 0 then
    if #caption > 0 then
      caption:insert(pandoc.Space())
    end
    caption:extend(first)
  end
  local source = credit(inlines)
  if cut and source then
    caption:insert(pandoc.Space())
    caption:insert(pandoc.Span(source, pandoc.Attr("", { "credit" })))
  end
  figure.caption = { long = #caption > 0 and { pandoc.Plain(caption) } or {} }
  return figure
end

-- Figures inside a box or a list are numbered and shortened like the others.
local function with_short_captions(block)
  return block:walk({ Figure = short_caption })
end

-- A figure as its slide layout shows it: one copy per variant image, each
-- with the same caption and number. Without variants, the figure itself.
local function figure_steps(figure)
  local source = nil
  figure.content:walk({
    Image = function(image)
      if source == nil and slide_variants[image.src] then
        source = image.src
      end
    end,
  })
  local variants = source and slide_variants[source]
  if type(variants) ~= "table" or #variants == 0 then
    return { figure }
  end
  local steps = {}
  for index, variant in ipairs(variants) do
    local step = figure:clone()
    step.content = step.content:walk({
      Image = function(image)
        if image.src == source then
          image.src = variant
          -- Sizes given for the page's figure do not fit the slide's layout.
          image.attributes["width"] = nil
          image.attributes["height"] = nil
          return image
        end
      end,
    })
    if index > 1 then
      step.identifier = "" -- one figure, one id
    end
    steps[index] = step
  end
  return steps
end

-- Other blocks ---------------------------------------------------------------

local function table_for_slides(tbl)
  -- Column widths from the source's dashes make no sense on a slide; let the
  -- browser size the columns from their content.
  for index, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[index] = { spec[1], "ColWidthDefault" }
  end
  return tbl
end

local function admonition_for_slides(div)
  -- The title is the div.admonition-title that mkdocs.lua keeps first.
  local title = div.attributes["title"]
  if title and title ~= "" then
    div.content:insert(1, pandoc.Div({ pandoc.Plain(pandoc.Inlines(title)) },
      pandoc.Attr("", { "admonition-title" })))
  end
  div.attributes["title"] = nil
  return div
end

local function html_attribute(text)
  return (text:gsub("&", "&amp;"):gsub('"', "&quot;"):gsub("<", "&lt;"))
end

-- A <details> shown closed, ``title`` (inlines) its <summary>, ``blocks`` its
-- content: the blocks to show in its place. A <summary> is a control: a link
-- in it would be a control in a control (axe: nested-interactive). Its text
-- stays in the title; the link itself opens the content.
local function closed_blocks(classes, summary_class, title, content)
  local links = pandoc.List()
  local inlines = title:walk({
    Link = function(link)
      links:insert(link)
      return pandoc.Span(link.content)
    end,
  })
  local summary = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "html"):gsub("%s+$", "")
  local blocks = pandoc.List({
    pandoc.RawBlock("html", '<details class="' .. html_attribute(classes)
      .. '">\n<summary class="' .. summary_class .. '">' .. summary .. "</summary>"),
  })
  if #links > 0 then
    local shown = pandoc.List()
    for index, link in ipairs(links) do
      if index > 1 then
        shown:insert(pandoc.Str(","))
        shown:insert(pandoc.Space())
      end
      shown:insert(link)
    end
    blocks:insert(pandoc.Para(shown))
  end
  blocks:extend(content)
  blocks:insert(pandoc.RawBlock("html", "</details>"))
  return blocks
end

-- The blocks of ``div`` after its first (its title).
local function after_title(div)
  local blocks = pandoc.List()
  for i = 2, #div.content do
    blocks:insert(div.content[i])
  end
  return blocks
end

-- A box the site shows collapsed (``???``) stays closed on the slide: its
-- title is the <summary> the instructor opens when its time comes, and the
-- slide PDF prints it closed. The handout shows it open. The blocks to show,
-- in place of the box.
local function collapsed_box(div)
  local title = div.content[1]
  local inlines = pandoc.utils.blocks_to_inlines(title and title.content or {})
  local classes = div.classes:filter(function(name)
    return name ~= "collapsed"
  end)
  return closed_blocks(table.concat(classes, " "), "admonition-title", inlines, after_title(div))
end

-- Content tabs: the site shows the first tab and the others' labels. The
-- slide shows the first tab, and each other one closed under its label, to
-- be opened when its time comes (the correction after the exercise); the
-- handout shows them all.
local function tabs_for_slides(div)
  if not div.classes:includes("tabbed-set") then
    return nil
  end
  local blocks = pandoc.List()
  for index, tab in ipairs(div.content) do
    local title = tab.t == "Div" and tab.classes:includes("tab") and tab.content[1]
    if index == 1 or not title or title.t ~= "Div" or not title.classes:includes("tab-title") then
      blocks:insert(tab)
    else
      local label = pandoc.utils.blocks_to_inlines(title.content)
      blocks:extend(closed_blocks("tab", "tab-title", label, after_title(tab)))
    end
  end
  div.content = blocks
  return div
end

-- Slides ---------------------------------------------------------------------

-- One slide under construction: visible blocks, notes, and its title. The
-- lesson's opening (``opening``: what comes before the first section) sends
-- its prose to the title slide's notes and gets a heading only if it shows
-- something.
local Slide = {}
Slide.__index = Slide

function Slide.new(title, opening)
  return setmetatable({ title = title, opening = opening or false, visible = pandoc.List(),
    notes = pandoc.List(), prose = pandoc.List(), heavy = false, points = nil,
    titled = false, folded = {} }, Slide)
end

-- The next slide under the same title: a figure of its own begins a new
-- part of the section, not a continuation of this slide, so its title has
-- no "(jatkuu)".
function Slide:next_part()
  local next_slide = Slide.new(self.title, self.opening)
  next_slide:add(pandoc.Header(self.opening and 2 or 3, pandoc.Inlines(self.title)))
  next_slide.titled = true
  return next_slide
end

function Slide:add_point(point)
  if not self.points then
    self.points = pandoc.BulletList({})
    self.visible:insert(self.points)
  end
  self.points.content:insert(point)
end

function Slide:add(block)
  self.points = nil
  self.visible:insert(block)
end

-- The blocks of a box shown closed: the slide shows its title alone.
function Slide:add_folded(blocks)
  for _, block in ipairs(blocks) do
    self:add(block)
    self.folded[block] = true
  end
end

function Slide:add_prose(block, title_notes)
  for _, point in ipairs(highlighted_points(block)) do
    self:add_point(point)
  end
  if self.opening then
    title_notes:insert(block)
  else
    -- Remembered with the number of blocks shown before it: its subheading's.
    self.prose:insert({ block = block, after = #self.visible })
    self.notes:insert(block)
  end
end

-- The first sentence of each prose paragraph that came after the
-- ``after``-th shown block (all when nil), at most MAX_LEAD_POINTS.
function Slide:lead_points(after)
  local points = pandoc.List()
  for _, entry in ipairs(self.prose) do
    if #points >= MAX_LEAD_POINTS then
      break
    end
    if after == nil or entry.after == after then
      local first = first_sentence(entry.block.content)
      if #first > 0 then
        points:insert({ pandoc.Plain(first) })
      end
    end
  end
  return points
end

local function is_subheading(block)
  return block.t == "Header" and block.level >= 4
end

-- The subheadings that end the slide, taken off it: they go with what
-- follows them, on the next slide.
function Slide:take_trailing_subheadings()
  local taken = pandoc.List()
  while #self.visible > 1 and is_subheading(self.visible[#self.visible]) do
    taken:insert(1, self.visible:remove())
  end
  self.points = nil
  return taken
end

-- A slide that would show only its heading (and boxes shown closed, titles
-- alone) shows the first sentence of each of its prose paragraphs under the
-- heading; the whole prose stays in the notes. So does a subheading that
-- would introduce nothing: its own paragraphs' sentences.
function Slide:add_lead()
  local only_heading = #self.visible >= 1 and self.visible[1].t == "Header"
  for index = 2, #self.visible do
    only_heading = only_heading and self.folded[self.visible[index]] == true
  end
  if only_heading then
    local points = self:lead_points(nil)
    if #points > 0 then
      self.visible:insert(2, pandoc.BulletList(points))
    end
    return
  end
  local shown = pandoc.List()
  for index, block in ipairs(self.visible) do
    shown:insert(block)
    local following = self.visible[index + 1]
    if is_subheading(block) and (following == nil or following.t == "Header") then
      local points = self:lead_points(index)
      if #points > 0 then
        shown:insert(pandoc.BulletList(points))
      end
    end
  end
  self.visible = shown
end

-- Pandoc ends a level-2 heading's slide at its first subheading and leaves
-- the rest of the section outside every slide: that rest goes on a slide of
-- its own, under the section's title.
function Slide:split_at_subheading()
  local heading = self.visible[1]
  if not (heading and heading.t == "Header" and heading.level == 2) then
    return
  end
  for index = 2, #self.visible do
    if is_subheading(self.visible[index]) then
      self.visible:insert(index, pandoc.Header(3, heading.content:clone()))
      return
    end
  end
end

function Slide:finish(out)
  if self.opening and #self.visible > 0 and not self.titled then
    self.visible:insert(1, pandoc.Header(2, pandoc.Inlines(self.title)))
  end
  self:add_lead()
  self:split_at_subheading()
  out:extend(self.visible)
  if #self.notes > 0 then
    out:insert(pandoc.Div(self.notes, pandoc.Attr("", { "notes" })))
  end
end

-- The first `#`, else the title the build gives the page (its front matter's,
-- its nav's or its file name's, as MkDocs makes it): the opening slide's title.
local function lesson_title(blocks, meta)
  for _, block in ipairs(blocks) do
    if block.t == "Header" and block.level == 1 then
      return pandoc.utils.stringify(block.content)
    end
  end
  local lesson = metadata.json_object(meta, "lesson", "lesson -> its title")
  if type(lesson.title) == "string" then
    return lesson.title
  end
  return meta.title and pandoc.utils.stringify(meta.title) or ""
end

local function shape_slides(blocks, meta)
  local out = pandoc.List()
  local title_notes = pandoc.List()
  local slide = Slide.new(lesson_title(blocks, meta), true)
  for _, block in ipairs(blocks) do
    if block.t == "Header" and block.level == 1 then
      -- The title slide comes from the deck template.
    elseif block.t == "Header" and block.level <= 3 then
      slide:finish(out)
      slide = Slide.new(pandoc.utils.stringify(block.content))
      slide:add(block)
      slide.titled = true
    elseif is_heavy(block) then
      local steps = block.t == "Figure" and figure_steps(short_caption(block)) or { block }
      for _, step in ipairs(steps) do
        if slide.heavy then
          local subheadings = slide:take_trailing_subheadings()
          slide:finish(out)
          slide = slide:next_part()
          for _, subheading in ipairs(subheadings) do
            slide:add(subheading)
          end
        end
        slide.heavy = true
        slide:add(step)
      end
    elseif block.t == "Para" or block.t == "Plain" then
      if is_display_math(block) then
        slide:add(block)
      else
        slide:add_prose(block, title_notes)
      end
    elseif block.t == "Div" and block.classes:includes("admonition") then
      local box = admonition_for_slides(with_short_captions(block))
      if box.classes:includes("collapsed") then
        slide:add_folded(collapsed_box(box))
      else
        slide:add(box)
      end
    elseif block.t == "Table" then
      slide:add(table_for_slides(block))
    elseif block.t == "HorizontalRule" then
      -- A rule means nothing on a slide.
    else
      slide:add(with_short_captions(block))
    end
  end
  slide:finish(out)
  if #title_notes > 0 then
    -- First in the output: Pandoc puts it in a section of its own, before
    -- every slide, which deck.py lifts into the title slide's notes.
    out:insert(1, pandoc.Div(title_notes, pandoc.Attr("", { TITLE_NOTES_CLASS })))
  end
  return out
end

local function append_sources(blocks)
  if #sources == 0 then
    return blocks
  end
  local items = pandoc.List()
  for _, source in ipairs(sources) do
    items:insert(source)
  end
  local list = pandoc.OrderedList(items)
  for index, block in ipairs(blocks) do
    if block.t == "Header" and block.level == 2
        and pandoc.utils.stringify(block.content) == words.sources then
      blocks:insert(index + 1, list)
      return blocks
    end
  end
  blocks:insert(pandoc.Header(2, pandoc.Inlines(words.sources)))
  blocks:insert(list)
  return blocks
end

function Pandoc(doc)
  words = metadata.words(doc.meta)
  slide_variants = metadata.json_object(doc.meta, "slide-variants", "image -> variant images")
  doc = doc:walk(notes_filter)
  doc = doc:walk({ Div = tabs_for_slides })
  -- A link to another page keeps its deck address; the handout's is no part of a deck.
  doc = doc:walk({ Link = function(link)
    link.attributes["handout-href"] = nil
    return link
  end, Image = function(image)
    -- An image the page gave no alt text nor caption (a raw <img>): its file's
    -- name in words, as the handout says it (and warns of it), not nothing.
    if pandoc.utils.stringify(image.caption) == "" and not image.classes:includes("twemoji") then
      image.caption = pandoc.Inlines(image_alt.from_file_name(image.src))
      return image
    end
  end })
  doc.blocks = append_sources(shape_slides(doc.blocks, doc.meta))
  return doc
end
