-- Shape a lesson into reveal.js slides (run after captions.lua).
--
-- "##" starts a section and "###" a slide. On a slide: headings, figures,
-- display math, lists, tables, admonitions, code, and the sentences the
-- instructor highlighted with ==...== as points. Prose goes to the speaker
-- notes. A slide holds at most one figure or long equation block; more start
-- a continuation slide. Footnotes become numbered sources on a last
-- "Lähteet" slide.

local SOURCES_TITLE = "Lähteet"
local CONTINUED = " (jatkuu)"
local LONG_MATH_LINES = 3 -- display math with this many rows counts as heavy

local sources = pandoc.List()
local source_numbers = {}

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

local function math_rows(block)
  local rows = 1
  for _, inline in ipairs(block.content) do
    if inline.t == "Math" then
      local _, breaks = inline.text:gsub("\\\\", "")
      rows = math.max(rows, breaks + 1)
    end
  end
  return rows
end

local function is_heavy(block)
  return block.t == "Figure" or (is_display_math(block) and math_rows(block) >= LONG_MATH_LINES)
end

local function highlighted_points(block)
  local points = pandoc.List()
  if block.t ~= "Para" and block.t ~= "Plain" then
    return points
  end
  block:walk({
    Span = function(span)
      if span.classes:includes("mark") then
        points:insert({ pandoc.Plain(span.content) })
      end
    end,
  })
  return points
end

-- The inlines of ``inlines`` up to the end of its first sentence, and whether
-- anything was left out. An italic caption body is shortened inside its italics.
local function first_sentence(inlines)
  if #inlines >= 1 and (inlines[1].t == "Emph" or inlines[1].t == "Strong") then
    local inner, cut = first_sentence(inlines[1].content)
    local wrapped = pandoc.List({ inlines[1].t == "Emph" and pandoc.Emph(inner)
      or pandoc.Strong(inner) })
    return wrapped, cut or #inlines > 1
  end
  local out = pandoc.List()
  for i, inline in ipairs(inlines) do
    out:insert(inline)
    if inline.t == "Str" and inline.text:match("[%.!?]$") then
      local after = inlines[i + 1]
      if after == nil or after.t == "Space" or after.t == "SoftBreak" then
        return out, i < #inlines
      end
    end
  end
  return out, false
end

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
  if number then
    caption:insert(pandoc.Strong({ pandoc.Str("Kuva " .. number .. ":") }))
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
  figure.caption = { long = { pandoc.Plain(caption) } }
  return figure
end

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

-- One slide under construction: visible blocks, notes, and its title.
local Slide = {}
Slide.__index = Slide

function Slide.new(title)
  return setmetatable({ title = title, visible = pandoc.List(), notes = pandoc.List(),
    heavy = false, points = nil }, Slide)
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

function Slide:finish(out)
  out:extend(self.visible)
  if #self.notes > 0 then
    out:insert(pandoc.Div(self.notes, pandoc.Attr("", { "notes" })))
  end
end

local function shape_slides(blocks)
  local out = pandoc.List()
  local slide = Slide.new("")
  for _, block in ipairs(blocks) do
    if block.t == "Header" and block.level == 1 then
      -- The title slide comes from the deck template.
    elseif block.t == "Header" and block.level <= 3 then
      slide:finish(out)
      slide = Slide.new(pandoc.utils.stringify(block.content))
      slide:add(block)
    elseif is_heavy(block) then
      if slide.heavy then
        slide:finish(out)
        slide = Slide.new(slide.title)
        slide:add(pandoc.Header(3, pandoc.Inlines(slide.title .. CONTINUED)))
      end
      slide.heavy = true
      slide:add(block.t == "Figure" and short_caption(block) or block)
    elseif block.t == "Para" or block.t == "Plain" then
      if is_display_math(block) then
        slide:add(block)
      else
        for _, point in ipairs(highlighted_points(block)) do
          slide:add_point(point)
        end
        slide.notes:insert(block)
      end
    elseif block.t == "Div" and block.classes:includes("admonition") then
      slide:add(admonition_for_slides(block))
    elseif block.t == "Table" then
      slide:add(table_for_slides(block))
    elseif block.t == "HorizontalRule" then
      -- A rule means nothing on a slide.
    else
      slide:add(block)
    end
  end
  slide:finish(out)
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
        and pandoc.utils.stringify(block.content) == SOURCES_TITLE then
      blocks:insert(index + 1, list)
      return blocks
    end
  end
  blocks:insert(pandoc.Header(2, pandoc.Inlines(SOURCES_TITLE)))
  blocks:insert(list)
  return blocks
end

function Pandoc(doc)
  doc = doc:walk(notes_filter)
  doc.blocks = append_sources(shape_slides(doc.blocks))
  return doc
end
