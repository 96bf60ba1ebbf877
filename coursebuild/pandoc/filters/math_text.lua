-- A formula's TeX as a screen reader should say it: the one text a formula
-- gets, in the handout (typst_math.lua, PDF/UA alt text) and in the deck
-- (spoken_math.lua, the MathML's accessible name). Loaded by those filters
-- with dofile; not a filter itself.

-- The TeX control sequence at `at`: its name and the index after it.
local function control_sequence(tex, at)
  local word = tex:match("^%a+", at + 1)
  if word then
    return word, at + 1 + #word
  end
  -- A control symbol; a multi-byte character counts as a whole.
  local symbol = tex:match("^[\0-\127\194-\244][\128-\191]*", at + 1) or ""
  return symbol, at + 1 + #symbol
end

-- A screen reader reads this text instead of the glyphs. It is the TeX made
-- linear, as one would say it: symbols as their characters (a screen reader names σ, ∑ and ≤ in its own
-- language), \frac{a}{b} as (a)/(b), markup and spacing commands dropped,
-- any other command by its name. It stays close to the TeX the page shows
-- on the site, which many readers of math by screen reader know.
local SPOKEN = {
  alpha = "α", beta = "β", gamma = "γ", delta = "δ", epsilon = "ε", varepsilon = "ε",
  zeta = "ζ", eta = "η", theta = "θ", vartheta = "ϑ", iota = "ι", kappa = "κ",
  lambda = "λ", mu = "μ", nu = "ν", xi = "ξ", pi = "π", rho = "ρ", sigma = "σ",
  tau = "τ", upsilon = "υ", phi = "φ", varphi = "φ", chi = "χ", psi = "ψ", omega = "ω",
  Gamma = "Γ", Delta = "Δ", Theta = "Θ", Lambda = "Λ", Xi = "Ξ", Pi = "Π", Sigma = "Σ",
  Phi = "Φ", Psi = "Ψ", Omega = "Ω",
  cdot = "·", times = "×", div = "÷", pm = "±", mp = "∓", ast = "*", star = "⋆",
  circ = "∘", bullet = "•", odot = "⊙", otimes = "⊗", oplus = "⊕",
  sum = "∑", prod = "∏", int = "∫", iint = "∬", oint = "∮", partial = "∂",
  nabla = "∇", infty = "∞", sqrt = "√", prime = "′",
  le = "≤", leq = "≤", ge = "≥", geq = "≥", ne = "≠", neq = "≠", approx = "≈",
  equiv = "≡", sim = "~", simeq = "≃", propto = "∝", ll = "≪", gg = "≫",
  ["in"] = "∈", notin = "∉", subset = "⊂", subseteq = "⊆", supset = "⊃", cup = "∪",
  cap = "∩", emptyset = "∅", forall = "∀", exists = "∃", neg = "¬", land = "∧",
  lor = "∨", wedge = "∧", vee = "∨",
  to = "→", rightarrow = "→", leftarrow = "←", gets = "←", Rightarrow = "⇒",
  Leftarrow = "⇐", leftrightarrow = "↔", Leftrightarrow = "⇔", mapsto = "↦",
  implies = "⇒", iff = "⇔", uparrow = "↑", downarrow = "↓",
  ldots = "…", dots = "…", cdots = "⋯", vdots = "⋮", ddots = "⋱",
  lvert = "|", rvert = "|", vert = "|", mid = "|", lVert = "‖", rVert = "‖", Vert = "‖",
  ["|"] = "‖", langle = "⟨", rangle = "⟩", lfloor = "⌊", rfloor = "⌋", lceil = "⌈",
  rceil = "⌉", lbrace = "{", rbrace = "}", ["{"] = "{", ["}"] = "}",
  ["%"] = "%", ["$"] = "$", ["_"] = "_", ["#"] = "#", ["&"] = "&",
  top = "ᵀ", intercal = "ᵀ", perp = "⊥", parallel = "∥", angle = "∠", degree = "°",
  hbar = "ℏ", ell = "ℓ", setminus = "∖", backslash = "\\",
}
-- Commands that only set spacing, size or style: nothing to say.
local SILENT = {}
for _, name in ipairs({ ",", ";", ":", "!", " ", "quad", "qquad", "enspace", "thinspace",
  "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "left", "right",
  "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr",
  "Biggl", "Biggr", "nonumber", "notag" }) do
  SILENT[name] = true
end
-- Commands whose argument is read as it is, without the command.
local WRAPPERS = {}
for _, name in ipairs({ "text", "textrm", "textit", "textbf", "textsf", "texttt", "mbox",
  "mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathcal", "mathscr", "mathfrak",
  "boldsymbol", "bm", "operatorname", "emph", "underline", "mathbb" }) do
  WRAPPERS[name] = true
end
-- Commands whose first braced argument is not read (\color{red}, \label{x}).
local SKIP_ARGUMENT = { color = true, label = true, hspace = true, mspace = true,
  phantom = true, hphantom = true, vphantom = true }
local DELIMITER_SIZERS = { left = true, right = true, middle = true }
local FRACTIONS = { frac = true, dfrac = true, tfrac = true, cfrac = true }

-- The tokens of `tex`: control sequences ("\name"), braces and single characters.
local function tokens_of(tex)
  local tokens, at = {}, 1
  while at <= #tex do
    local char = tex:sub(at, at)
    if char == "\\" then
      local name, after = control_sequence(tex, at)
      tokens[#tokens + 1] = "\\" .. name
      at = after
    else
      local piece = tex:match("^[\0-\127\194-\244][\128-\191]*", at) or char
      tokens[#tokens + 1] = piece
      at = at + #piece
    end
  end
  return tokens
end

-- A matrix's brackets, by its environment; the environments open where the reader is.
local MATRICES = { matrix = { " ", " " }, pmatrix = { " (", ") " }, bmatrix = { " [", "] " },
  Bmatrix = { " {", "} " }, vmatrix = { " |", "| " }, Vmatrix = { " ‖", "‖ " } }
local environments = {}

-- What \begin{environment} or \end{environment} says: a matrix's bracket, else nothing.
local function environment_edge(command, environment)
  local brackets = MATRICES[environment]
  if command == "begin" then
    environments[#environments + 1] = environment
    return brackets and brackets[1] or " "
  end
  environments[#environments] = nil
  return brackets and brackets[2] or " "
end

local read_group

-- One argument at `at`: a braced group or a token; its text, whether it
-- reads as one unit, and the index after it.
local function read_argument(tokens, at)
  while tokens[at] and tokens[at]:match("^%s$") do
    at = at + 1
  end
  if tokens[at] == "{" then
    local text, stop, single = read_group(tokens, at + 1, "}")
    return text, single, stop + 1
  elseif tokens[at] == nil then
    return "", true, at
  end
  local text, stop, single = read_group(tokens, at, nil, at)
  return text, single, stop
end

local function grouped(text, single)
  return single and text or "(" .. text .. ")"
end

-- The text of the tokens from `at` to the `closer` token (nil: the end, or
-- only the one item at `only`); its end and whether it reads as one unit.
function read_group(tokens, at, closer, only)
  local parts = {}
  while tokens[at] and tokens[at] ~= closer do
    local token = tokens[at]
    local name = token:match("^\\(.*)$")
    local text
    at = at + 1
    if name and name:match("^%a+$") and tokens[at] == "*" then
      at = at + 1 -- \operatorname*{argmax}: the star changes only the layout
    end
    if name and DELIMITER_SIZERS[name] and tokens[at] == "." then
      at = at + 1 -- \left. is no delimiter at all
    end
    if token == "{" then
      local inner, stop = read_group(tokens, at, "}")
      text, at = inner, stop + 1
    elseif token == "}" then
      text = "" -- unbalanced: TeX would have refused it
    elseif token == "^" or token == "_" then
      local argument, single, stop = read_argument(tokens, at)
      text, at = token .. grouped(argument, single), stop
    elseif token == "&" then
      -- Cells of a matrix are told apart; an alignment point is nothing to say.
      text = MATRICES[environments[#environments]] and ", " or " "
    elseif token == "~" then
      text = " "
    elseif name == "\\" then
      text = "; "
    elseif name and FRACTIONS[name] then
      local over, single_over, stop = read_argument(tokens, at)
      local under, single_under, after = read_argument(tokens, stop)
      text, at = grouped(over, single_over) .. "/" .. grouped(under, single_under), after
    elseif name == "sqrt" then
      local degree = ""
      if tokens[at] == "[" then
        local inner, stop = read_group(tokens, at + 1, "]")
        degree, at = inner, stop + 1
      end
      local argument, single, stop = read_argument(tokens, at)
      text, at = degree .. "√" .. grouped(argument, single), stop
    elseif name == "tag" then
      local argument, _, stop = read_argument(tokens, at)
      text, at = " (" .. argument .. ")", stop
    elseif name == "begin" or name == "end" then
      local environment, _, stop = read_argument(tokens, at)
      text, at = environment_edge(name, environment), stop
    elseif name and SKIP_ARGUMENT[name] then
      at = select(3, read_argument(tokens, at))
      text = " "
    elseif name and WRAPPERS[name] then
      local argument, _, stop = read_argument(tokens, at)
      text, at = argument, stop
    elseif name and SILENT[name] then
      text = " "
    elseif name and SPOKEN[name] then
      text = SPOKEN[name]
    elseif name and name:match("^%a+$") then
      -- \hat{y} -> hat(y), \log x -> log x: the command by its name.
      if tokens[at] == "{" then
        local argument, _, stop = read_argument(tokens, at)
        text = argument:match("%S") and name .. "(" .. argument .. ")" or " " .. name .. " "
        at = stop
      else
        text = " " .. name .. " "
      end
    elseif name then
      text = name -- \{ and the like that SPOKEN lacks: the character
    else
      text = token
    end
    parts[#parts + 1] = text
    if only then
      break
    end
  end
  local text = table.concat(parts)
  -- One symbol, or letters and digits (\frac{536}{540}, x_{ij}, \frac{1}{p_i}),
  -- need no parentheses.
  return text, at, utf8.len(text) == 1 or text:match("^%w+$") ~= nil
    or text:match("^[%w\128-\255]+[_^]%w+$") ~= nil
end

-- The formula as a screen reader should read it.
local function readable(tex)
  environments = {}
  local text = read_group(tokens_of(tex), 1, nil)
  return (text:gsub("%s+", " "):gsub(" ([,;])", "%1"):match("^%s*(.-)%s*$"))
end

return { control_sequence = control_sequence, readable = readable }
