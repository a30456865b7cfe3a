// The Unicode properties of characters that the Python front end needs, as
// CPython 3.11 defines them (Unicode 14.0.0). The tables are generated from
// Python itself by gen_unicode_data.py, so they agree with CPython exactly.
#pragma once

namespace concsim::python::unicode {

// May start an identifier: '_' or a character with XID_Start.
bool is_id_start(char32_t c);
// May continue an identifier: XID_Continue (letters, digits, '_', marks...).
bool is_id_continue(char32_t c);
// str.isprintable(): repr() shows the character as itself, not escaped.
bool is_printable(char32_t c);
// An identifier character that NFKC normalisation leaves as it is whatever
// precedes it. CPython normalises identifiers with NFKC; concsim keeps
// identifiers as written, so it refuses the characters this is false for.
bool is_nfkc_stable(char32_t c);

}  // namespace concsim::python::unicode
