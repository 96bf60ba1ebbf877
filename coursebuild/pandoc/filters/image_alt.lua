-- An image's text for a screen reader when the page gave none: its file's
-- name said in words ("predator prey" for predator_prey.gif), as the site's
-- own image says nothing. Shared by slides.lua and handout.lua.
local image_alt = {}

local function unescaped(src)
  return (src:gsub("%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end))
end

-- The file's name of ``src`` (a path or address), without folders.
function image_alt.file_name(src)
  return unescaped(src):gsub("[\t\n]", " "):match("([^/\\]*)$")
end

-- "predator_prey.gif" -> "predator prey"; the name itself if nothing is left.
function image_alt.from_file_name(src)
  local file = image_alt.file_name(src)
  local alt = file:gsub("%.[^.]*$", ""):gsub("[-_]+", " "):match("^%s*(.-)%s*$")
  return alt ~= "" and alt or file
end

return image_alt
