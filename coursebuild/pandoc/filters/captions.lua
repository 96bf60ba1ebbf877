-- Captions in the course's conventions: an image paragraph followed by a
-- paragraph that starts with a bold figure label becomes one numbered figure.
-- The author writes the label as "**Kuva N:**", "**Kuva N**:", "**Kuvio N:**"
-- or "**Kuvio N.**", the body with or without italics. The build numbers
-- figures itself, whatever N the source typed. Emoji are not figures.

-- The figure word of every language the build has words for (core/words.py),
-- and Finnish "Kuvio".
local LABEL_WORDS = { Kuva = true, Kuvio = true, Figure = true, Figur = true, Abbildung = true }

local function is_picture(inline)
  return inline.t == "Image" and not inline.classes:includes("twemoji")
end

local function lone_image(block)
  if (block.t == "Para" or block.t == "Plain") and #block.content == 1
      and is_picture(block.content[1]) then
    return block.content[1]
  end
  if block.t == "Figure" and #block.content == 1 then
    local inner = block.content[1]
    if (inner.t == "Plain" or inner.t == "Para") and #inner.content == 1
        and is_picture(inner.content[1]) then
      return inner.content[1]
    end
  end
  return nil
end

-- "Kuva 3:" / "Kuvio 3." in the bold label itself, or ":" / "." right after it.
local function label_parts(label)
  local word, number, mark = label:match("^(%a+)%s+([%w%-]-)%s*([:.]?)$")
  if word and LABEL_WORDS[word] and number ~= "" then
    return mark
  end
  return nil
end

local function caption_text(block)
  if block == nil or block.t ~= "Para" or #block.content == 0 then
    return nil
  end
  local first = block.content[1]
  if first.t ~= "Strong" then
    return nil
  end
  local mark = label_parts(pandoc.utils.stringify(first))
  if mark == nil then
    return nil
  end
  local rest = pandoc.List()
  for i = 2, #block.content do
    rest:insert(block.content[i])
  end
  if mark == "" then
    local after = rest[1]
    if not (after and after.t == "Str" and after.text:match("^[:.]")) then
      return nil
    end
    after.text = after.text:sub(2)
    if after.text == "" then
      rest:remove(1)
    end
  end
  while #rest > 0 and (rest[1].t == "Space" or rest[1].t == "SoftBreak") do
    rest:remove(1)
  end
  return rest
end

local function own_caption(block)
  if block.t ~= "Figure" or #block.caption.long == 0 then
    return nil
  end
  local inlines = pandoc.utils.blocks_to_inlines(block.caption.long)
  return #inlines > 0 and inlines or nil
end

local function make_figures(blocks)
  local result = pandoc.List()
  local i = 1
  while i <= #blocks do
    local image = lone_image(blocks[i])
    local caption = image and caption_text(blocks[i + 1])
    if image then
      local inlines = caption or pandoc.List()
      -- The caption doubles as the image's alt text for screen readers;
      -- without one, the image keeps the alt text the page gave it. In the
      -- handout (PDF/UA) the page's own alt text comes first and the caption
      -- stands in where it gave none; a diagram's alt text is the build's
      -- generic "Kaavio", so its caption says more.
      local own_alt = FORMAT == "typst" and not image.classes:includes("mermaid")
        and pandoc.utils.stringify(image.caption):match("%S")
      if caption and not own_alt then
        local alt = pandoc.utils.stringify(inlines):gsub("%s+$", "")
        image.caption = pandoc.Inlines(alt)
      end
      result:insert(pandoc.Figure({ pandoc.Plain({ image }) }, { long = { pandoc.Plain(inlines) } }))
      i = i + (caption and 2 or 1)
    else
      result:insert(blocks[i])
      i = i + 1
    end
  end
  return result
end

-- Numbered in reading order, figures inside admonitions and tabs included
-- (a Blocks walk would number the innermost lists first).
local function number_figures(doc)
  local number = 0
  return doc:walk({
    traverse = "topdown",
    Figure = function(figure)
      number = number + 1
      figure.identifier = "kuva-" .. number
      figure.attributes["number"] = tostring(number)
      return figure
    end,
  })
end

-- A page's own <figure> around an image: the image became a figure of its own
-- first (walks go inside out), so the two are one figure, with the page's
-- caption, and that caption as the image's alt text where make_figures would.
-- An image and its text in one paragraph of a page's <figure> (no blank line
-- between them, no <figcaption>): the image is the figure, the text its caption.
local function split_image_and_text(figure)
  local block = figure.content[1]
  if #figure.content ~= 1 or own_caption(figure)
      or not (block.t == "Para" or block.t == "Plain") or #block.content < 3
      or not is_picture(block.content[1]) then
    return nil
  end
  local gap = block.content[2].t
  if not (gap == "SoftBreak" or gap == "LineBreak" or gap == "Space") then
    return nil
  end
  local image, text = block.content[1], pandoc.List()
  for index = 3, #block.content do
    text:insert(block.content[index])
  end
  local own_alt = FORMAT == "typst" and pandoc.utils.stringify(image.caption):match("%S")
  if not own_alt then
    image.caption = pandoc.Inlines(pandoc.utils.stringify(text):gsub("%s+$", ""))
  end
  figure.content = { pandoc.Plain({ image }) }
  figure.caption = pandoc.Caption({ pandoc.Plain(text) })
  return figure
end

local function merge_nested(figure)
  local split = split_image_and_text(figure)
  if split then
    return split
  end
  local inner = figure.content[1]
  if not (inner and inner.t == "Figure") then
    return nil
  end
  local caption = own_caption(figure)
  local text = figure.content[2]
  if #figure.content == 2 and not caption and (text.t == "Para" or text.t == "Plain") then
    -- <figure markdown> with a paragraph under the image, no <figcaption>:
    -- Material shows the paragraph as the figure's text; here it is its caption.
    figure.caption = pandoc.Caption({ pandoc.Plain(text.content) })
    caption = own_caption(figure)
  elseif #figure.content ~= 1 then
    return nil
  end
  if caption then
    inner.caption = figure.caption
    local image = lone_image(inner)
    local own_alt = image and FORMAT == "typst"
      and pandoc.utils.stringify(image.caption):match("%S")
    if image and not own_alt then
      image.caption = pandoc.Inlines(pandoc.utils.stringify(caption):gsub("%s+$", ""))
    end
  end
  return inner
end

function Pandoc(doc)
  doc = doc:walk({ Blocks = make_figures })
  doc = doc:walk({ Figure = merge_nested })
  return number_figures(doc)
end
