-- The build's per-page options, as it passes them with --metadata=key=value
-- (coursebuild/lesson/make.py): slide-variants for the deck (slides.lua),
-- handout-files for the handout (handout.lua). Loaded by those filters with
-- dofile; not a filter itself.

local metadata = {}

-- The JSON object the build wrote as the value of `key`, decoded; empty when
-- the build passed none. `shape` says what the object maps, for the error
-- that stops Pandoc: a page built without its map would go wrong unnoticed.
function metadata.json_object(meta, key, shape)
  local value = meta[key]
  if value == nil then
    return {}
  end
  -- --metadata gives a plain string; metadata from elsewhere would be inlines.
  local text = pandoc.utils.type(value) == "string" and value or pandoc.utils.stringify(value)
  -- false: plain Lua tables, never Pandoc elements, whatever the JSON holds.
  local ok, decoded = pcall(pandoc.json.decode, text, false)
  if not ok or type(decoded) ~= "table" then
    error("metadata " .. key .. " is not a JSON object of " .. shape .. ": " .. text)
  end
  return decoded
end

-- The words the build adds, in the page's language (coursebuild/core/words.py,
-- given as the metadata `words`): never a language the page is not in.
function metadata.words(meta)
  local words = metadata.json_object(meta, "words", "word -> text")
  if words.sources == nil then
    error("metadata words is missing: the build gives each page its language's words")
  end
  return words
end

return metadata
