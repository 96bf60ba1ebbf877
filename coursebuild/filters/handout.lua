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
local LINK_LABEL = "Linkki:"

-- The text area of templates/handout.typ.j2 (A4 minus its margins), in pt.
local TEXT_WIDTH_PT = 464.9
local TEXT_HEIGHT_PT = 700.0
local MAX_HEIGHT_SHARE = 0.55 -- a figure stays below this share of a page
local MIN_RASTER_SHARE = 0.4 -- a small screenshot is still printed this wide

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
  local content = pandoc.List(div.content)
  local title = pandoc.List()
  local first = content[1]
  if first and first.t == "Div" and first.classes:includes("admonition-title") then
    title = pandoc.utils.blocks_to_inlines(first.content)
    content:remove(1)
  end
  local opening = pandoc.List({
    pandoc.RawInline("typst", "#admonition(kind: " .. typst_string(kind) .. ", title: "),
  })
  if #title > 0 then
    opening:insert(pandoc.RawInline("typst", "["))
    opening:extend(title)
    opening:insert(pandoc.RawInline("typst", "]"))
  else
    opening:insert(pandoc.RawInline("typst", "none"))
  end
  opening:insert(pandoc.RawInline("typst", ")["))
  local blocks = pandoc.List({ pandoc.Plain(opening) })
  blocks:extend(content)
  blocks:insert(pandoc.RawBlock("typst", "]"))
  return blocks
end

-- Content tabs are printed one after another, each under its label.
local function tab_title(div)
  return pandoc.Para({ pandoc.Strong(pandoc.utils.blocks_to_inlines(div.content)) })
end

-- A code block's title ("IPython", "stdout") is a small label above it.
local function titled_code(code)
  local title = code.attributes["title"]
  if not title or title == "" then
    return nil
  end
  code.attributes["title"] = nil
  return { pandoc.RawBlock("typst", "#code-title(" .. typst_string(title) .. ")"), code }
end

-- Keys (++ctrl+c++) as key caps.
local function keys(span)
  if span.classes:includes("kbd") then
    return pandoc.RawInline("typst", "#kbd(" .. typst_string(pandoc.utils.stringify(span)) .. ")")
  end
  return nil
end

-- An emoji is an image one line high, as on the site.
local function emoji(image)
  if image.classes:includes("twemoji") then
    return pandoc.RawInline("typst", "#emoji(" .. typst_string(image.src) .. ")")
  end
  return nil
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
  local label = url:match("youtube") and VIDEO_LABEL or LINK_LABEL
  return { pandoc.Str(label), pandoc.Space(), pandoc.Link(url, url) }
end

-- html_bridge.py made each <iframe> a link card.
local function link_card(div)
  local url = div.attributes["href"] or div.attributes["data-href"]
  if not url then
    return nil
  end
  return pandoc.Para(video_inlines(url))
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

-- The first ``size`` bytes of a file, or nil.
local function file_head(path, size)
  local file = io.open(path, "rb")
  if not file then
    return nil
  end
  local head = file:read(size) or ""
  file:close()
  return head
end

-- The natural width and height in pt of an SVG, read from its <svg> tag.
local function svg_size(path)
  local head = path:lower():match("%.svg$") and file_head(path, 4096)
  if not head then
    return nil
  end
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

-- Pixel width and height of a PNG, GIF or JPEG, read from its header.
local function raster_size(path)
  local data = file_head(path, 65536)
  if not data then
    return nil
  end
  if data:sub(1, 8) == "\137PNG\r\n\26\n" and #data >= 24 then
    return string.unpack(">I4I4", data, 17)
  end
  if data:sub(1, 3) == "GIF" and #data >= 10 then
    return string.unpack("<I2I2", data, 7)
  end
  if data:sub(1, 2) == "\255\216" then
    local position = 3
    while position + 9 <= #data do
      local marker, length = string.unpack(">BBI2", data, position)
      local kind = select(2, string.unpack(">BB", data, position))
      if marker ~= 255 then
        return nil
      end
      if kind >= 192 and kind <= 207 and kind ~= 196 and kind ~= 200 and kind ~= 204 then
        local height, width = string.unpack(">I2I2", data, position + 5)
        return width, height
      end
      position = position + 2 + length
    end
  end
  return nil
end

-- Full text width, but never wider than the drawing's own size (its labels
-- were drawn for that size) nor so wide that it gets too tall for a page.
-- A raster image is not printed much larger than at 96 dpi.
local function image_width(image)
  local width, height = svg_size(image.src)
  local natural_share = width and width / TEXT_WIDTH_PT
  if not width then
    width, height = raster_size(image.src)
    natural_share = width and math.max(MIN_RASTER_SHARE, 1.5 * 0.75 * width / TEXT_WIDTH_PT)
  end
  if not width or width == 0 or height == 0 then
    return "100%"
  end
  local share = math.min(1, natural_share,
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
    elseif div.classes:includes("link-card") then
      return link_card(div)
    elseif div.classes:includes("tab-title") then
      return tab_title(div)
    end
  end,
  CodeBlock = titled_code,
  Span = keys,
  Image = emoji,
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
