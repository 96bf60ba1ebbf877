"""The worked examples' parameters as plain numbers.

Kept free of numpy: the lesson text reads its counts from here in every build
that fills a page, and importing numpy would cost each such build 45 ms.
figures.network builds the networks the figures draw from the same numbers.
"""

from __future__ import annotations

# The book's Figure 3.3 network: rows (θ_k0, θ_k1), then (φ_0, φ_1 … φ_D).
BOOK_THETA = ((-0.2, 0.4), (-0.9, 0.9), (1.1, -0.7))
BOOK_PHI = (-0.23, -1.3, 1.3, 0.66)

# The network of the book's notebook 3.1 (Shallow Networks I).
NOTEBOOK_THETA = ((0.3, -1.0), (-1.0, 2.0), (-0.5, 0.65))
NOTEBOOK_PHI = (-0.3, 2.0, -1.0, 7.0)
