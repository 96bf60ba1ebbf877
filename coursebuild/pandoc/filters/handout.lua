-- Shape a lesson for the Typst handout (run after captions.lua).
--
-- The template typesets the title, so the level-1 heading goes. Admonitions
-- become calls to the template's `admonition` function, an embedded video
-- (iframe) becomes a link, other raw HTML is dropped. Figures keep the size
-- the page gave them, usually none: the template prints an image at its
-- natural size, fitted to the page. A footnote cited again refers back to
-- the first one (same number), and an empty "Lähteet" section lists the
-- distinct footnote texts in order of first use.
--
-- Images: Typst reads only the handout's own folder, where the build copied
-- the files the page shows under neutral names; the metadata `handout-files`
-- maps each path the page's HTML gives to its name there. An image not in
-- the map (raw HTML <img>, which the build never checked) is refused: removed,
-- and a warning marked coursebuild-refused that the build makes an error
-- (coursebuild/handout_guard.py).
--
-- The handout is PDF/UA-1 (coursebuild/typst_child.py), so a screen reader
-- can read it: every image gets its alt text (the page's, else its caption;
-- an image with neither is refused), an emoji written as a character gets
-- its Twemoji image, and headings go down one level at a time.

-- Shared with slides.lua: both parts read the build's --metadata options alike.
local metadata = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "metadata.lua" }))
local image_alt = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "image_alt.lua" }))

-- The page's language's words (metadata words): set by Pandoc() before any walk.
local words = {}

-- Typst string literal for `text`.
local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", " ") .. '"'
end

-- Admonitions --------------------------------------------------------------

local function admonition(div)
  local kind = "note"
  for _, class in ipairs(div.classes) do
    if class ~= "admonition" and class ~= "collapsible" and class ~= "collapsed" then
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

-- Images ----------------------------------------------------------------------

local handout_files = {}
-- An image's attribute: the how-manieth image of its file name it is.
local OCCURRENCE = "coursebuild-occurrence"

-- Pandoc's HTML reader escapes a space in a path as %20.
local function unescaped(url)
  return (url:gsub("%%(%x%x)", function(hex)
    return string.char(tonumber(hex, 16))
  end))
end

-- A refusal the build makes an error naming the page's line where `src` stands.
local function refuse_image(src, message)
  pandoc.log.warn("coursebuild-refused\t" .. message .. "\t" .. src)
end

-- The image's name in the handout's folder, or nil (refused) if the build did not check it.
local function handout_name(image)
  local name = handout_files[image.src] or handout_files[unescaped(image.src)]
  if not name then
    local src = unescaped(image.src):gsub("[\t\n]", " ")
    refuse_image(src, "image " .. src .. " is not one the build checked"
      .. " (raw HTML <img>?); write it as ![](" .. src .. ")")
  end
  return name
end

-- What a screen reader says for the image: its alt text, which captions.lua
-- made the caption where the page gave none. PDF/UA allows no image without.
local function alt_text(image)
  local alt = pandoc.utils.stringify(image.caption):gsub("%s+", " "):match("^%s*(.-)%s*$")
  if alt == "" and image.classes:includes("twemoji") then
    alt = (image.attributes["title"] or ""):gsub(":", " "):match("^%s*(.-)%s*$")
  end
  if alt == "" then
    -- The site shows it: a warning (the build finds the line of the page's
    -- n-th image of this name, handout/guard.py), and its file's name said
    -- in words stands in, "predator prey" for predator_prey.gif.
    local file = image_alt.file_name(image.src)
    alt = image_alt.from_file_name(image.src)
    pandoc.log.warn("coursebuild-warned\t" .. "image " .. file
      .. " has no alt text and no caption, which a screen reader needs; its file name"
      .. " stands in (\"" .. alt .. "\"): write ![what it shows](" .. file .. ") or a"
      .. " caption after it" .. "\t" .. file .. "\t" .. (image.attributes[OCCURRENCE] or "1"))
  end
  return alt
end

-- Number each image by its file name's occurrence in reading order, for refusals.
local function number_images(blocks)
  local seen = {}
  return blocks:walk({
    Image = function(image)
      local file = unescaped(image.src):match("([^/\\]*)$")
      seen[file] = (seen[file] or 0) + 1
      image.attributes[OCCURRENCE] = tostring(seen[file])
      return image
    end,
  })
end

-- Typst's `image(…)` call for `image`, with its alt text, or nil if refused.
-- The writer's own call gives the size the page set; the alt text goes last.
local function image_call(image)
  local name, alt = handout_name(image), alt_text(image)
  if not (name and alt) then
    return nil
  end
  image.src = name
  image.attributes[OCCURRENCE] = nil
  local written = pandoc.write(pandoc.Pandoc({ pandoc.Plain({ image }) }), "typst")
  local call = written:match("^%s*#box%((image%(.*%))%)%s*$")
  if not call then
    error("handout.lua: the writer wrote an image unlike #box(image(...)): " .. written)
  end
  return call:sub(1, -2) .. ", alt: " .. typst_string(alt) .. ")"
end

-- An image in the text; an emoji is one line high, as on the site. The `;`
-- ends the call, so that text after it ("(", "[") is not read as arguments.
local function handout_image(image)
  if image.classes:includes("twemoji") then
    local name, alt = handout_name(image), alt_text(image)
    if not (name and alt) then
      return {}
    end
    return pandoc.RawInline("typst", "#emoji(" .. typst_string(name) .. ", "
      .. typst_string(alt) .. ");")
  end
  local call = image_call(image)
  return call and pandoc.RawInline("typst", "#box(" .. call .. ");") or {}
end

-- An emoji character written as it is (✅, not :white_check_mark:): no font
-- of the handout has it, so it is the Twemoji image a :shortcode: gets, the
-- character its alt text. The build put the image in the handout's folder
-- (handout_guard.py); a variation selector after it goes with it.
local function literal_emoji(str)
  if not str.text:find("[\128-\255]") then
    return nil -- ASCII: most words, and no emoji
  end
  local inlines, plain, after_emoji = pandoc.List(), {}, false
  for _, code in utf8.codes(str.text) do
    local char = utf8.char(code)
    local name = handout_files["emoji:" .. char]
    if name then
      if #plain > 0 then
        inlines:insert(pandoc.Str(table.concat(plain)))
        plain = {}
      end
      inlines:insert(pandoc.RawInline("typst", "#emoji(" .. typst_string(name) .. ", "
        .. typst_string(char) .. ");"))
    elseif not (after_emoji and code == 0xFE0F) then
      plain[#plain + 1] = char
    end
    after_emoji = name ~= nil
  end
  if #inlines == 0 then
    return nil
  end
  if #plain > 0 then
    inlines:insert(pandoc.Str(table.concat(plain)))
  end
  return inlines
end

-- A figure's image stands alone (no box): the template sizes it to the page.
local function figure_image(figure)
  local only = #figure.content == 1 and figure.content[1]
  if not (only and (only.t == "Plain" or only.t == "Para") and #only.content == 1
        and only.content[1].t == "Image" and not only.content[1].classes:includes("twemoji")) then
    return nil
  end
  local call = image_call(only.content[1])
  figure.content = { pandoc.Plain({ call and pandoc.RawInline("typst", "#" .. call .. ";") or nil }) }
  return figure
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
  local label = (url:match("youtube") and words.video or words.link) .. ":"
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
  local has_note = false
  for _, inline in ipairs(inlines) do
    if inline.t == "Note" then
      has_note = true
      break
    end
  end
  if not has_note then
    return nil -- unchanged: not rebuilt (and converted back) for nothing
  end
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
      and pandoc.utils.stringify(block.content) == words.sources
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

-- Headings ------------------------------------------------------------------

-- PDF/UA wants each heading at most one level below the one before it, the
-- lesson title (level 1, the template's) first. A heading the page writes
-- deeper (## then ####) is tagged one level below the one before it and
-- keeps the look of the level it was written at (the template's
-- `written-level`): the student reads the page as it was written.
local function heading_levels(blocks)
  local previous = 1
  return blocks:walk({
    traverse = "topdown",
    Header = function(header)
      local written = header.level
      header.level = math.min(written, previous + 1)
      previous = header.level
      if header.level == written then
        return nil
      end
      return {
        pandoc.RawBlock("typst", "#written-level(" .. written .. ")["),
        header,
        pandoc.RawBlock("typst", "]"),
      }, false
    end,
  })
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

-- A link to another page of the site points at that page's deck; on paper it
-- points at the page's handout, or its page on the web (html_bridge.py).
local function page_link_for_paper(link)
  local paper = link.attributes["handout-href"]
  if paper then
    link.attributes["handout-href"] = nil
    link.target = paper
    return link
  end
end

local shape = {
  Link = page_link_for_paper,
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
  Image = handout_image,
  Table = natural_widths,
  RawBlock = function(raw)
    return html_for_paper(raw, pandoc.Para)
  end,
  RawInline = function(raw)
    return html_for_paper(raw, pandoc.Inlines)
  end,
}

function Pandoc(doc)
  words = metadata.words(doc.meta)
  handout_files = metadata.json_object(doc.meta, "handout-files", "path -> name")
  doc.blocks = number_images(doc.blocks)
  doc.blocks = doc.blocks:walk({ Figure = figure_image })
  doc.blocks = doc.blocks:walk(shape)
  -- After the images: their alt text keeps an emoji character as it is.
  doc.blocks = doc.blocks:walk({ Str = literal_emoji })
  doc.blocks = heading_levels(doc.blocks)
  -- A typewise walk visits the Inlines lists in reading order.
  doc.blocks = doc.blocks:walk({ Inlines = cite_source })
  doc.blocks = fill_sources(doc.blocks)
  return doc
end
