-- Make TeX math typeset in Typst as it reads on the site (handout only; run
-- it last, after the other handout filters, so they still see Math elements).
--
-- Pandoc's Typst writer (texmath) and the pinned Typst disagree, and a few
-- TeX commands come out wrong. Each Math element is written to Typst here,
-- with these fixes, and handed on as raw Typst:
--
-- * Symbol names Typst 0.15 does not know or has deprecated (\cap -> sect,
--   \odot -> dot.circle, \otimes -> times.circle, …) become the character
--   itself: a code point means the same in every Typst release, a name does
--   not. SYMBOLS lists every such name: all characters texmath names were run
--   through the writer and Typst 0.15 (tests/test_math_commands.py redoes it).
-- * \; \! \enspace \hspace \mspace: the writer truncates widths to whole ems
--   (\; is 0em, \! is -1em); they get their exact width.
-- * | and \| are ordinary symbols in TeX: |x|, P(a|b), \|x\| set tight. The
--   writer makes | an escaped \|, which Typst spaces like a relation, and \|
--   the relation `parallel` (∥); both become ordinary bars (\left\| a
--   stretching ‖).
-- * \operatorname{name} would be a bare string, without operator spacing.
-- * An accent on nothing (the site has `\dot{}`) would sit at capital height,
--   squeezed into the next symbol; over an invisible x it sits as in TeX.
-- * \tag is dropped by the writer. Typst has no per-row equation numbers, so
--   the tag is set as "(tag)" in an extra alignment column after the row:
--   aligned, but beside the formula rather than at the right margin, and only
--   for tags at the top level of an environment (not in a nested one).
--
-- Replacements in the TeX use private-use characters (Plane 15) as
-- placeholders, which the writer passes through, for the exact Typst code.
--
-- Every formula then gets alt text (the handout is PDF/UA-1, which refuses
-- a formula without): its TeX made readable, in an escaped Typst string.

-- The readable text of a formula, shared with the deck (spoken_math.lua).
local math_text = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "math_text.lua" }))
local control_sequence, readable = math_text.control_sequence, math_text.readable

-- Writer name -> character, for names Typst 0.15 rejects or deprecates.
local SYMBOLS = {
  ["sect"] = "∩", ["sect.sq"] = "⊓", ["sect.big"] = "⋂", ["sect.double"] = "⋒",
  ["sect.sq.big"] = "⨅", ["sect.dot"] = "⩀", ["sect.and"] = "⩄", ["sect.sq.double"] = "⩎",
  ["integral.sect"] = "⨙",
  ["dot.circle"] = "⊙", ["dot.circle.big"] = "⨀", ["times.circle"] = "⊗",
  ["times.circle.big"] = "⨂", ["minus.circle"] = "⊖", ["eq.circle"] = "⊜",
  ["dash.circle"] = "⊝", ["div.circle"] = "⨸", ["plus.circle.arrow"] = "⟴",
  ["bar.v.circle"] = "⦶", ["parallel.circle"] = "⦷", ["backslash.circle"] = "⦸",
  ["perp.circle"] = "⦹", ["lt.circle"] = "⧀", ["gt.circle"] = "⧁",
  ["tack.r.double"] = "⊨", ["tack.r.double.not"] = "⊭", ["tack.l.double"] = "⫤",
  ["tack.b.double"] = "⫪", ["tack.t.double"] = "⫫",
  ["lt.tri"] = "⊲", ["gt.tri"] = "⊳", ["lt.tri.eq"] = "⊴", ["gt.tri.eq"] = "⊵",
  ["lt.tri.not"] = "⋪", ["gt.tri.not"] = "⋫", ["lt.tri.eq.not"] = "⋬", ["gt.tri.eq.not"] = "⋭",
  ["join"] = "⨝", ["join.l"] = "⟕", ["join.r"] = "⟖", ["join.l.r"] = "⟗",
  ["bracket.l.double"] = "⟦", ["bracket.r.double"] = "⟧", ["shell.l.double"] = "⟬",
  ["shell.r.double"] = "⟭", ["brace.l.double"] = "⦃", ["brace.r.double"] = "⦄",
  ["paren.l.double"] = "⦅", ["paren.r.double"] = "⦆",
  ["quote.angle.l.double"] = "«", ["quote.angle.r.double"] = "»",
  ["quote.angle.l.single"] = "‹", ["quote.angle.r.single"] = "›",
  ["angle.right.sq"] = "⦜", ["angle.spheric.top"] = "⦡", ["angle.oblique"] = "⦦",
  ["ast.small"] = "﹡", ["plus.small"] = "﹢", ["lt.small"] = "﹤", ["gt.small"] = "﹥",
  ["eq.small"] = "﹦",
  ["planck.reduce"] = "ħ", ["Kai"] = "Ϗ", ["kai"] = "ϗ", ["gimmel"] = "ג", ["shin"] = "ש",
  ["franc"] = "₣",
}

-- TeX command (without its backslash) -> Typst, for commands without argument.
local COMMANDS = {
  [";"] = "thick",
  ["!"] = "#h(-1em/6)",
  ["enspace"] = "#h(0.5em)",
  ["|"] = 'class("normal", ‖)',
}

-- Commands whose next token is a delimiter, kept as it is (\left\| stretches).
local SIZERS = {}
for _, name in ipairs({ "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl",
  "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr" }) do
  SIZERS[name] = true
end

-- Commands whose argument is text, not math: copied untouched.
local TEXT = { text = true, textrm = true, textit = true, textbf = true, mbox = true }

local PLACEHOLDER = 0xF0000

-- Typst for \hspace{…} or \mspace{…} (argument with braces), or nil.
local function space(argument)
  local number, unit = argument:match("^{%s*(%-?[%d%.]+)%s*(%a%a)%s*}$")
  local width = tonumber(number)
  if not width then
    return nil
  elseif unit == "em" or unit == "pt" then
    return string.format("#h(%g%s)", width, unit)
  elseif unit == "mu" then
    return string.format("#h(%gem)", width / 18)
  end
end

-- Typst for \operatorname{…} (argument with braces), or nil if not plain.
local function operator(argument, limits)
  local name = argument:match("^{%s*([%w%s%-]-)%s*}$")
  if not name or name == "" then
    return nil
  end
  return 'op("' .. name .. '"' .. (limits and ", limits: #true" or "") .. ")"
end

-- The control sequence after `after` (a delimiter): where it starts and ends.
local function delimiter_after(tex, after)
  local at = tex:match("^%s*()\\", after)
  if at then
    return at, select(2, control_sequence(tex, at))
  end
end

-- Where the braced argument after `after` ends (`after` itself if none).
local function skip_argument(tex, after)
  local _, stop = tex:find("^%s*%b{}", after)
  return stop and stop + 1 or after
end

-- Typst for a command with an argument: the code and where the command ends.
local function with_argument(tex, name, after)
  local star, argument = tex:match("^(%*?)%s*(%b{})", after)
  if not argument then
    return nil
  end
  local code = name == "operatorname" and operator(argument, star == "*") or space(argument)
  return code, after + #tex:match("^%*?%s*%b{}", after)
end

local ARGUMENT_COMMANDS = { hspace = true, mspace = true, operatorname = true }

-- `tex` with each fixed command replaced by a placeholder; and the Typst code
-- of each placeholder.
local function replace_commands(tex)
  local codes, parts, from = {}, {}, 1
  local function replace(at, stop, replacement)
    parts[#parts + 1] = tex:sub(from, at - 1) .. replacement
    from = stop
  end
  local function placeholder(code)
    codes[#codes + 1] = code
    return utf8.char(PLACEHOLDER + #codes)
  end
  local at = tex:find("\\", 1, true)
  while at do
    local name, after = control_sequence(tex, at)
    local code, stop = COMMANDS[name], after
    if SIZERS[name] then
      local delimiter, delimiter_end = delimiter_after(tex, after)
      code, stop = nil, delimiter_end or after
      -- \left\| would be a stretched ∥ (parallel); \Vert is a stretched ‖.
      if delimiter and tex:sub(delimiter, stop - 1) == "\\|" then
        replace(delimiter, stop, "\\Vert ")
      end
    elseif TEXT[name] then
      stop = skip_argument(tex, after)
    elseif ARGUMENT_COMMANDS[name] then
      code, stop = with_argument(tex, name, after)
      stop = stop or after
    end
    if code then
      replace(at, stop, placeholder(code))
    end
    at = tex:find("\\", stop, true)
  end
  parts[#parts + 1] = tex:sub(from)
  return table.concat(parts), codes
end

-- Tags --------------------------------------------------------------------

-- The top-level rows of an environment body, each with its count of `&`.
local function rows_of(body)
  local rows, depth, start, columns, at = {}, 0, 1, 0, 1
  while at <= #body do
    local char = body:sub(at, at)
    local step = 1
    if char == "\\" then
      local name, after = control_sequence(body, at)
      if name == "begin" then
        depth = depth + 1
      elseif name == "end" then
        depth = depth - 1
      elseif name == "\\" and depth == 0 then
        rows[#rows + 1] = { text = body:sub(start, at - 1), columns = columns }
        start, columns = after, 0
      end
      step = after - at
    elseif char == "{" then
      depth = depth + 1
    elseif char == "}" then
      depth = depth - 1
    elseif char == "&" and depth == 0 then
      columns = columns + 1
    end
    at = at + step
  end
  rows[#rows + 1] = { text = body:sub(start), columns = columns }
  return rows
end

-- An environment body with each row's \tag moved to a column after the row.
local function place_tags(body)
  local rows = rows_of(body)
  local widest = 0
  for _, row in ipairs(rows) do
    widest = math.max(widest, row.columns)
  end
  -- Alignment columns alternate right and left: the tag goes in the first
  -- left-aligned one after all content (none if the rows have no columns).
  local tag_column = widest == 0 and 0 or widest + 1 + widest % 2
  local texts = {}
  for _, row in ipairs(rows) do
    local text = row.text
    local before, star, label, after = text:match("^(.-)\\tag%s*(%*?)%s*(%b{})(.*)$")
    if label then
      label = label:sub(2, -2)
      local shown = star == "*" and label or "(" .. label .. ")"
      text = before .. after .. string.rep(" &", tag_column - row.columns)
        .. " \\quad \\text{" .. shown .. "}"
    end
    texts[#texts + 1] = text
  end
  return table.concat(texts, "\\\\")
end

local function move_tags(tex)
  if not tex:find("\\tag", 1, true) then
    return tex
  end
  return (tex:gsub("(\\begin%s*(%b{}))(.-)(\\end%s*%2)", function(begin, _, body, finish)
    return begin .. place_tags(body) .. finish
  end))
end

-- Typst ---------------------------------------------------------------------

-- Apply `fix` to the parts of Typst math `code` outside string literals.
local function outside_strings(code, fix)
  local parts, from, at, inside = {}, 1, 1, false
  while at <= #code do
    local char = code:sub(at, at)
    if char == "\\" then
      at = at + 2
    elseif char == '"' then
      local part = code:sub(from, inside and at or at - 1)
      parts[#parts + 1] = inside and part or fix(part)
      from = inside and at + 1 or at
      inside = not inside
      at = at + 1
    else
      at = at + 1
    end
  end
  local rest = code:sub(from)
  parts[#parts + 1] = inside and rest or fix(rest)
  return table.concat(parts)
end

-- `part` with each placeholder replaced by its Typst code.
local function substitute_placeholders(part, codes)
  -- Placeholders are 4-byte UTF-8 sequences (Plane 15).
  return (part:gsub("()([\240-\244][\128-\191]*)()", function(start, char, stop)
    local code = codes[utf8.codepoint(char) - PLACEHOLDER]
    if not code then
      return nil
    end
    -- A space where a name would otherwise run into a neighbouring letter
    -- (or placeholder).
    local before = part:sub(start - 1, start - 1):match("[%w.\128-\255]") and " " or ""
    local after = part:sub(stop, stop):match("[%w.\128-\255]") and " " or ""
    return before .. code .. after
  end))
end

-- Pandoc's writer gives vmatrix and Vmatrix both `delim: "||"`, which Typst
-- refuses (one character, or a pair): Vmatrix is written as the matrix
-- between \| \| here, and a "||" left is vmatrix's single bar.
local function double_bar_matrices(tex)
  return (tex:gsub("\\begin%s*{Vmatrix}", "\\left\\| \\begin{matrix}")
    :gsub("\\end%s*{Vmatrix}", "\\end{matrix} \\right\\|"))
end

local function fix_typst(code, codes)
  code = code:gsub('mat%(delim: "||"', 'mat(delim: "|"')
  return outside_strings(code, function(part)
    part = part:gsub("%a[%w%.]*", function(name)
      local bare, dots = name:match("^(.-)(%.*)$")
      return SYMBOLS[bare] and SYMBOLS[bare] .. dots or name
    end)
    part = part:gsub("accent%(%s*,", "accent(#hide[x],")
    part = part:gsub("()(\\+)|", function(start, slashes)
      if #slashes % 2 == 0 then
        return nil
      end
      -- A space where the call would otherwise run into a name before it ("xclass").
      local before = part:sub(start - 1, start - 1):match("[%w.\128-\255]") and " " or ""
      return before .. slashes:sub(2) .. 'class("normal", |)'
    end)
    return substitute_placeholders(part, codes)
  end)
end

-- Typst string literal for `text`: nothing in it can end the string, so
-- nothing the page writes becomes Typst code.
local function typst_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("[%c]", " ")
  return '"' .. escaped .. '"'
end

-- The formula's TeX after its equation, in a comment (hex: nothing in it ends
-- the comment): should Typst refuse the equation, the build finds the TeX
-- there and shows it as code instead (handout/compile.py).
local function tex_note(tex)
  return "/*tex:" .. tex:gsub(".", function(char)
    return string.format("%02x", char:byte())
  end) .. "*/"
end

-- The equation `code` (the writer's `$…$`) with `tex`, made readable, as its
-- alt text. `.body` is the math inside: `block` alone decides how it is set.
-- The `;` ends the call, so that text after it ("(", "[") is not read as
-- more arguments. TeX the writer could not read comes back as escaped text,
-- kept as it is: the build stops at Pandoc's warning about it.
local function with_alt(code, mathtype, tex)
  -- A \label the writer turns into a Typst label after the formula: no reference
  -- reads it here, and an equation called as below takes none.
  code = code:match("^(%$.*%$)%s*<[^<>]*>$") or code
  if not code:match("^%$.*%$$") then
    return code
  end
  local block = mathtype == "DisplayMath" and "true" or "false"
  -- A formula of spacing alone reads as nothing: PDF/UA wants a text, its TeX says what it is.
  local alt = readable(tex)
  if not alt:match("%S") then
    alt = tex
  end
  return "#math.equation(block: " .. block .. ", alt: " .. typst_string(alt)
    .. ", " .. code .. ".body);" .. tex_note(tex)
end

-- A line between formulas in the batch the writer gets.
local SPLIT = "// typst_math.lua: next formula"

local function write_one(math)
  return pandoc.write(pandoc.Pandoc({ pandoc.Plain({ math }) }), "typst"):match("^%s*(.-)%s*$")
end

local function count(text, needle)
  local found, from = 0, 1
  while true do
    local at = text:find(needle, from, true)
    if not at then
      return found
    end
    found, from = found + 1, at + #needle
  end
end

-- The writer's Typst for each of `maths`. One writer run for all: a run per
-- formula costs about a millisecond each.
local function write_all(maths)
  local blocks = {}
  for _, math in ipairs(maths) do
    blocks[#blocks + 1] = pandoc.RawBlock("typst", SPLIT)
    blocks[#blocks + 1] = pandoc.Plain({ math })
  end
  local written = pandoc.write(pandoc.Pandoc(blocks), "typst") .. SPLIT
  if count(written, SPLIT) ~= #maths + 1 then
    -- A formula's own text holds the split line (a page may write it in
    -- \text{}): cut there, later text would become Typst code. One run each.
    local pieces = {}
    for _, math in ipairs(maths) do
      pieces[#pieces + 1] = write_one(math)
    end
    return pieces
  end
  local pieces, from = {}, written:find(SPLIT, 1, true) + #SPLIT
  for _ = 1, #maths do
    local stop = written:find(SPLIT, from, true)
    pieces[#pieces + 1] = written:sub(from, stop - 1):match("^%s*(.-)%s*$")
    from = stop + #SPLIT
  end
  return pieces
end

function Pandoc(doc)
  if FORMAT ~= "typst" then
    return nil
  end
  local originals, rewritten, codes = {}, {}, {}
  doc:walk({
    Math = function(math)
      local tex, placeholders = replace_commands(double_bar_matrices(move_tags(math.text)))
      originals[#originals + 1] = math.text
      rewritten[#rewritten + 1] = pandoc.Math(math.mathtype, tex)
      codes[#codes + 1] = placeholders
    end,
  })
  if #rewritten == 0 then
    return nil
  end
  local written = write_all(rewritten)
  local index = 0
  return doc:walk({
    Math = function(math)
      index = index + 1
      local fixed = fix_typst(written[index], codes[index])
      return pandoc.RawInline("typst", with_alt(fixed, math.mathtype, originals[index]))
    end,
  })
end
