-- Give the site's constructs, as html_bridge.py hands them to Pandoc, the
-- shape the later filters work on (run first, for the deck and the handout).
--
--   span.math[data-tex]       -> Math (the TeX exactly as the page wrote it)
--   div.admonition            -> keeps its div.admonition-title; an untitled
--                                one gets the localised name of its kind
--   pre[data-title]           -> CodeBlock with a "title" attribute
--   code + ordered list       -> code annotations: "# (1)!" markers become
--                                "(1)" and the list a div.code-annotations
--   task list check boxes     -> the ballot box characters alone
--   event handlers, and addresses outside the URL policy (url-schemes) on
--   links, images and link cards (data-href) -> removed
--   raw elements other than HTML -> refused (removed, and a warning marked
--                                coursebuild-refused that the build makes an error)

-- Material's admonition types and the kind each other name is a synonym of;
-- an untitled box gets its kind's name in the page's language (metadata words).
local ADMONITION_KINDS = {
  note = "note", abstract = "abstract", summary = "abstract", tldr = "abstract",
  info = "info", todo = "info", tip = "tip", hint = "tip", important = "tip",
  success = "success", check = "success", done = "success", question = "question",
  help = "question", faq = "question", warning = "warning", caution = "warning",
  attention = "warning", failure = "failure", fail = "failure", missing = "failure",
  danger = "danger", error = "danger", bug = "bug", example = "example", quote = "quote",
  cite = "quote",
}

-- Shared with the other filters: the build's --metadata options read alike.
local metadata = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "metadata.lua" }))
local words = {}

local function admonition_kind(div)
  for _, class in ipairs(div.classes) do
    if class ~= "admonition" and class ~= "collapsible" and class ~= "collapsed" then
      return class
    end
  end
  return "note"
end

-- Python-Markdown titles an untitled admonition with its kind ("Tip"); in a
-- course in another language the reader gets that language's name instead.
local function localise_title(div)
  local kind = admonition_kind(div)
  local first = div.content[1]
  if not (first and first.t == "Div" and first.classes:includes("admonition-title")) then
    return div
  end
  local text = pandoc.utils.stringify(first)
  local default = kind:sub(1, 1):upper() .. kind:sub(2)
  -- English: Python-Markdown's own title ("Hint") is already the site's.
  if words.language ~= "en" and text == default then
    local name = words.admonitions[ADMONITION_KINDS[kind] or "note"]
    first.content = { pandoc.Plain({ pandoc.Str(name) }) }
  end
  return div
end

-- The schemes a link or image may have (coursebuild/url_policy.py, given as
-- the metadata url-schemes); an address without a scheme is relative. Without
-- the metadata, no scheme is allowed.
local url_schemes = {}

local function is_safe_url(url)
  local scheme = url:gsub("[\t\n\r]", ""):match("^[%c ]*([%a][%w+.-]*):")
  return scheme == nil or url_schemes[scheme:lower()] == true
end

local function scrub(element)
  if element.attributes then
    for key, _ in pairs(element.attributes) do
      if key:lower():match("^on") then
        element.attributes[key] = nil
      end
    end
  end
  return element
end

-- Pandoc's HTML reader makes raw HTML only; raw Typst (or any other format)
-- would go into the output as it is, and Typst can read files. The raw
-- Typst a handout holds is the later filters' own. The build turns the
-- warning into an error at the page line that starts with the raw text
-- (coursebuild/handout_guard.py).
local function refuse_raw(raw)
  if raw.format:match("^html") then
    return nil
  end
  local name = raw.format == "typst" and "Typst" or raw.format
  local first_line = raw.text:match("^%s*([^\n]*)"):gsub("\t", " ")
  pandoc.log.warn("coursebuild-refused\traw " .. name .. " is not allowed in a lesson\t"
    .. first_line)
  return {}
end

local inline_filter = {
  RawInline = refuse_raw,
  Span = function(span)
    scrub(span)
    local tex = span.attributes["tex"]
    if span.classes:includes("math") and tex then
      local kind = span.classes:includes("display") and "DisplayMath" or "InlineMath"
      return pandoc.Math(kind, tex)
    end
    if span.classes:includes("task-list-indicator") then
      return {}
    end
    return span
  end,
  Image = function(image)
    scrub(image)
    if not is_safe_url(image.src) then
      return pandoc.Str(pandoc.utils.stringify(image.caption))
    end
    return image
  end,
  Link = function(link)
    scrub(link)
    if not is_safe_url(link.target) then
      return link.content
    end
    local paper = link.attributes["handout-href"]
    if paper and not is_safe_url(paper) then
      link.attributes["handout-href"] = nil
    end
    return link
  end,
}

-- Code annotations: "(N)!" in a comment marks note N of the list that follows.
local ANNOTATION = "%((%d+)%)!"

local function has_annotations(code)
  return code.text:match(ANNOTATION) ~= nil
end

local function mark_annotations(code)
  code.text = code.text:gsub(ANNOTATION, "(%1)")
  return code
end

local function code_block(code)
  scrub(code)
  local title = code.attributes["data-title"]
  if title then
    code.attributes["data-title"] = nil
    code.attributes["title"] = title
  end
  return code
end

local function shape_blocks(blocks)
  local result = pandoc.List()
  local i = 1
  while i <= #blocks do
    local block = blocks[i]
    local following = blocks[i + 1]
    if block.t == "CodeBlock" and following and following.t == "OrderedList"
        and has_annotations(block) then
      result:insert(mark_annotations(block))
      result:insert(pandoc.Div({ following }, pandoc.Attr("", { "code-annotations" })))
      i = i + 2
    else
      result:insert(block)
      i = i + 1
    end
  end
  return result
end

local block_filter = {
  RawBlock = refuse_raw,
  Div = function(div)
    scrub(div)
    -- A link card's target (Pandoc's reader drops the "data-" of data-href).
    for _, key in ipairs({ "href", "data-href" }) do
      local href = div.attributes[key]
      if href and not is_safe_url(href) then
        div.attributes[key] = nil
      end
    end
    if div.classes:includes("admonition") then
      return localise_title(div)
    end
    return div
  end,
  CodeBlock = code_block,
  Blocks = shape_blocks,
}

function Pandoc(doc)
  words = metadata.words(doc.meta)
  local schemes = doc.meta["url-schemes"] and pandoc.utils.stringify(doc.meta["url-schemes"]) or ""
  for scheme in schemes:gmatch("[^,]+") do
    url_schemes[scheme] = true
  end
  doc = doc:walk(inline_filter)
  return doc:walk(block_filter)
end
