-- Every formula of the deck with the text a screen reader should say for it
-- (math_text.lua, the same as the handout's): Pandoc's MathML has none. The
-- formula is wrapped in a span carrying the text; deck.py moves it onto the
-- <math> element as its aria-label and drops the span.

local math_text = dofile(pandoc.path.join({ pandoc.path.directory(PANDOC_SCRIPT_FILE),
  "math_text.lua" }))

function Math(math)
  return pandoc.Span({ math }, pandoc.Attr("", {}, { ["math-alt"] = math_text.readable(math.text) }))
end
