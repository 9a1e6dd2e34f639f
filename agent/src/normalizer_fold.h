// Loose-view folding of single code points (private to the normalizer).
//
// NFKC already maps full-width letters, mathematical alphanumerics, most space variants and
// ligatures to plain characters, but it deliberately leaves letters of other scripts alone. A
// Cyrillic "ТОІ МАТ" or a Vietnamese "đ" therefore survives NFKC and would slip past a keyword
// rule written in Latin letters. This table covers what NFKC does not: letters that look like
// Latin ones, Vietnamese đ/Đ (which has no decomposition, so stripping marks cannot reach it),
// every space and line-separator variant, and dashes.
//
// Thread safety: pure function over constant data.
#ifndef DLP_AGENT_SRC_NORMALIZER_FOLD_H_
#define DLP_AGENT_SRC_NORMALIZER_FOLD_H_

namespace dlp::internal {

// The code point `c` becomes in the loose view: an ASCII letter for a look-alike (case kept),
// ' ' for a space variant, '\n' for U+2028/U+2029, '-' for a dash; otherwise `c` itself.
// Expects its input already decomposed with marks removed (Ё arrives as Е, so only Е is listed).
char32_t FoldLooseCodePoint(char32_t c);

}  // namespace dlp::internal

#endif  // DLP_AGENT_SRC_NORMALIZER_FOLD_H_
