-- Shape a lesson for the Typst handout (run after captions.lua).
--
-- The template typesets the title, so the level-1 heading goes. Admonitions
-- become calls to the template's `admonition` function, an embedded video
-- (iframe) becomes a link, other raw HTML is dropped. Each figure gets a
-- width that fits the A4 text area. A footnote cited again refers back to
-- the first one (same number), and an empty "Lähteet" section lists the
-- distinct footnote texts in order of first use.

local SOURCES_TITLE = "Lähteet"
local VIDEO_LABEL = "Video:"

-- The text area of templates/handout.typ.j2 (A4 minus its margins), in pt.
local TEXT_WIDTH_PT = 464.9
local TEXT_HEIGHT_PT = 700.0
local MAX_HEIGHT_SHARE = 0.55 -- a figure stays below this share of a page

-- Typst string literal for `text`.
local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ") .. '"'
end

-- Admonitions --------------------------------------------------------------

local function admonition(div)
  local kind = "note"
  for _, class in ipairs(div.classes) do
    if class ~= "admonition" and class ~= "collapsible" then
      kind = class
      break
    end
  end
  local title = div.attributes["title"]
  local title_arg = (title and title ~= "") and typst_string(title) or "none"
  local blocks = pandoc.List({
    pandoc.RawBlock("typst",
      "#admonition(kind: " .. typst_string(kind) .. ", title: " .. title_arg .. ")["),
  })
  blocks:extend(div.content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

-- Raw HTML -----------------------------------------------------------------

local function is_html(format)
  return format:match("^html") ~= nil
end

local function iframe_source(html)
  local tag = html:match("<[Ii][Ff][Rr][Aa][Mm][Ee][^>]*>")
  if not tag then
    return nil
  end
  return tag:match('[Ss][Rr][Cc]%s*=%s*"([^"]*)"') or tag:match("[Ss][Rr][Cc]%s*=%s*'([^']*)'")
end

local function video_inlines(url)
  return { pandoc.Str(VIDEO_LABEL), pandoc.Space(), pandoc.Link(url, url) }
end

-- Figure widths ------------------------------------------------------------

local function to_pt(value)
  local number, unit = value:match("^%s*([%d%.]+)%s*(%a*)%s*$")
  number = tonumber(number)
  if not number then
    return nil
  end
  local per_unit = { [""] = 0.75, px = 0.75, pt = 1, ["in"] = 72, cm = 72 / 2.54, mm = 72 / 25.4 }
  return per_unit[unit] and number * per_unit[unit] or nil
end

-- The natural width and height in pt of an SVG, read from its <svg> tag.
local function svg_size(path)
  if not path:lower():match("%.svg$") then
    return nil
  end
  local file = io.open(path, "r")
  if not file then
    return nil
  end
  local head = file:read(4096) or ""
  file:close()
  local tag = head:match("<svg[^>]*>")
  if not tag then
    return nil
  end
  local width = to_pt(tag:match('%swidth="([^"]*)"') or "")
  local height = to_pt(tag:match('%sheight="([^"]*)"') or "")
  if width and height and width > 0 and height > 0 then
    return width, height
  end
  return nil
end

-- Full text width, but never wider than the drawing's own size (its labels
-- were drawn for that size) nor so wide that it gets too tall for a page.
local function image_width(image)
  local width, height = svg_size(image.src)
  if not width then
    return "100%"
  end
  local share = math.min(1, width / TEXT_WIDTH_PT,
    MAX_HEIGHT_SHARE * TEXT_HEIGHT_PT / (height / width) / TEXT_WIDTH_PT)
  return string.format("%d%%", math.floor(share * 100))
end

local function size_images(figure)
  return figure:walk({
    Image = function(image)
      if not image.attributes["width"] and not image.attributes["height"] then
        image.attributes["width"] = image_width(image)
      end
      return image
    end,
  })
end

-- Tables -------------------------------------------------------------------

-- A pipe table's dashes set relative column widths (the seed's long link
-- column took 65 %, squeezing the numbers into one-syllable lines). Let Typst
-- size the columns from their content instead.
local function natural_widths(tbl)
  for index, colspec in ipairs(tbl.colspecs) do
    tbl.colspecs[index] = { colspec[1], nil }
  end
  return tbl
end

-- Footnotes and sources ----------------------------------------------------

-- Bare URLs in a footnote become links.
local link_urls = {
  Str = function(str)
    local url, trail = str.text:match("^(https?://.-)([%.,;:%)]*)$")
    if not url then
      return nil
    end
    local inlines = pandoc.List({ pandoc.Link(url, url) })
    if trail ~= "" then
      inlines:insert(pandoc.Str(trail))
    end
    return inlines
  end,
}

local sources = pandoc.List()
local source_numbers = {}

-- The first citation of a source stays a footnote with a label; later ones
-- refer to it, so a source keeps one footnote number.
local function cite_source(inlines)
  local result = pandoc.List()
  for _, inline in ipairs(inlines) do
    if inline.t == "Note" then
      -- The mark sits on the word: "ovat [^x]" reads "ovat¹".
      while #result > 0 and (result[#result].t == "Space" or result[#result].t == "SoftBreak") do
        result:remove()
      end
      local blocks = inline.content:walk(link_urls)
      local key = pandoc.utils.stringify(blocks)
      local number = source_numbers[key]
      if number then
        result:insert(pandoc.RawInline("typst", "#footnote(<lahde-" .. number .. ">)"))
      else
        sources:insert(blocks)
        number = #sources
        source_numbers[key] = number
        result:insert(pandoc.Note(blocks))
        result:insert(pandoc.RawInline("typst", "<lahde-" .. number .. ">"))
      end
    else
      result:insert(inline)
    end
  end
  return result
end

local function is_sources_heading(block)
  return block.t == "Header" and block.level == 2
      and pandoc.utils.stringify(block.content) == SOURCES_TITLE
end

local function fill_sources(blocks)
  if #sources == 0 then
    return blocks
  end
  for index, block in ipairs(blocks) do
    if is_sources_heading(block) then
      local next_block = blocks[index + 1]
      if next_block == nil or (next_block.t == "Header" and next_block.level <= 2) then
        -- One-paragraph notes make a tight list.
        local items = sources:map(function(source)
          return source:map(function(block)
            return block.t == "Para" and pandoc.Plain(block.content) or block
          end)
        end)
        blocks:insert(index + 1, pandoc.OrderedList(items))
      end
      return blocks
    end
  end
  return blocks
end

-- The document -------------------------------------------------------------

-- Raw HTML on paper: an <iframe> becomes a "Video:" link (``wrap`` makes it a
-- paragraph or inlines); comments and any other HTML are dropped.
local function html_for_paper(raw, wrap)
  if not is_html(raw.format) then
    return nil
  end
  local url = iframe_source(raw.text)
  return url and wrap(video_inlines(url)) or {}
end

local shape = {
  Header = function(header)
    if header.level == 1 then
      return {}
    end
  end,
  Div = function(div)
    if div.classes:includes("admonition") then
      return admonition(div)
    end
  end,
  Figure = function(figure)
    return size_images(figure)
  end,
  Table = natural_widths,
  RawBlock = function(raw)
    return html_for_paper(raw, pandoc.Para)
  end,
  RawInline = function(raw)
    return html_for_paper(raw, pandoc.Inlines)
  end,
}

function Pandoc(doc)
  doc.blocks = doc.blocks:walk(shape)
  -- A typewise walk visits the Inlines lists in reading order.
  doc.blocks = doc.blocks:walk({ Inlines = cite_source })
  doc.blocks = fill_sources(doc.blocks)
  return doc
end
