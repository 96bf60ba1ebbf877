-- Captions in the course's convention: an image paragraph followed by a
-- paragraph that starts with "**Kuva N:**" becomes one numbered figure.
-- The build numbers figures itself, whatever N the source typed.

local function lone_image(block)
  if (block.t == "Para" or block.t == "Plain") and #block.content == 1
      and block.content[1].t == "Image" then
    return block.content[1]
  end
  if block.t == "Figure" and #block.content == 1 then
    local inner = block.content[1]
    if (inner.t == "Plain" or inner.t == "Para") and #inner.content == 1
        and inner.content[1].t == "Image" then
      return inner.content[1]
    end
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
  local label = pandoc.utils.stringify(first)
  if not label:match("^Kuva%s+[^:]*:$") then
    return nil
  end
  local rest = pandoc.List()
  for i = 2, #block.content do
    rest:insert(block.content[i])
  end
  while #rest > 0 and (rest[1].t == "Space" or rest[1].t == "SoftBreak") do
    rest:remove(1)
  end
  return rest
end

function Blocks(blocks)
  local result = pandoc.List()
  local number = 0
  local i = 1
  while i <= #blocks do
    local image = lone_image(blocks[i])
    local caption = image and caption_text(blocks[i + 1])
    if image then
      number = number + 1
      local inlines = caption or pandoc.List()
      -- The caption doubles as the image's alt text for screen readers.
      local alt = pandoc.utils.stringify(inlines):gsub("%s+$", "")
      image.caption = pandoc.Inlines(alt)
      local figure = pandoc.Figure(
        { pandoc.Plain({ image }) },
        { long = { pandoc.Plain(inlines) } },
        pandoc.Attr("kuva-" .. number, {}, { { "number", tostring(number) } })
      )
      result:insert(figure)
      i = i + (caption and 2 or 1)
    else
      result:insert(blocks[i])
      i = i + 1
    end
  end
  return result
end
