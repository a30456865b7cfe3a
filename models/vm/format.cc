// Text from numbers and strings as CPython 3.11 makes it: the repr of a
// float (Python/pystrtod.c format_float_short over David Gay's dtoa), the
// format-spec mini-language (Python/formatter_unicode.c), printf-style
// `str % args` (Objects/unicodeobject.c PyUnicode_Format) and str.format
// (Objects/stringlib/unicode_format.h). The digits come from std::to_chars
// (shortest round trip, as dtoa's mode 0) and glibc's printf (correctly
// rounded, as dtoa's modes 2 and 3); everything around the digits follows
// CPython's code step by step, so that its output is CPython's byte for byte.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "models/vm/library.h"

namespace concsim::vm {
namespace lib {
namespace {

// ------------------------------------------------------------- digits ----

// What _Py_dg_dtoa returns: the significant digits (no trailing zeros),
// the position of the decimal point relative to them, and the sign.
struct Digits {
  std::string digits;
  int decpt = 0;
  bool negative = false;
  char special = 0;  // 'i' infinity, 'n' NaN
};

// Parses "d.ddde+XX" (printf's or to_chars' scientific form) into digits
// and decpt, stripping trailing zeros.
void from_scientific(const char* s, std::size_t n, Digits* out) {
  std::size_t i = 0;
  std::string digits;
  while (i < n && s[i] != 'e') {
    if (s[i] != '.') digits += s[i];
    ++i;
  }
  int exp = 0;
  if (i < n) exp = std::atoi(std::string(s + i + 1, n - i - 1).c_str());  // not NUL-terminated
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  out->digits = std::move(digits);
  out->decpt = exp + 1;
}

// mode 0: shortest round trip; mode 2: `ndigits` significant digits;
// mode 3: `ndigits` digits after the decimal point.
Digits dtoa(double d, int mode, int ndigits) {
  Digits r;
  r.negative = std::signbit(d);
  if (std::isnan(d)) {
    r.special = 'n';
    return r;
  }
  if (std::isinf(d)) {
    r.special = 'i';
    return r;
  }
  const double a = std::fabs(d);
  if (a == 0) {
    r.digits = "0";
    r.decpt = 1;
    return r;
  }
  if (mode == 0) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, a, std::chars_format::scientific);
    from_scientific(buf, static_cast<std::size_t>(res.ptr - buf), &r);
    return r;
  }
  if (mode == 2) {
    if (ndigits < 1) ndigits = 1;
    std::vector<char> buf(static_cast<std::size_t>(ndigits) + 32);
    const int n = std::snprintf(buf.data(), buf.size(), "%.*e", ndigits - 1, a);
    from_scientific(buf.data(), static_cast<std::size_t>(n), &r);
    return r;
  }
  // mode 3
  std::vector<char> buf(static_cast<std::size_t>(ndigits) + 330);
  const int n = std::snprintf(buf.data(), buf.size(), "%.*f", ndigits, a);
  std::string digits;
  int decpt = 0;
  bool seen_point = false;
  for (int i = 0; i < n; ++i) {
    if (buf[static_cast<std::size_t>(i)] == '.') {
      seen_point = true;
      continue;
    }
    digits += buf[static_cast<std::size_t>(i)];
    if (!seen_point) ++decpt;
  }
  std::size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  decpt -= static_cast<int>(lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) decpt = -ndigits;  // rounds to zero: dtoa's "no digits"
  r.digits = std::move(digits);
  r.decpt = decpt;
  return r;
}

}  // namespace

// PyOS_double_to_string and format_float_short (Python/pystrtod.c).
std::string double_to_string(double d, char code, int precision, unsigned flags) {
  bool upper = false;
  switch (code) {
    case 'E': upper = true; code = 'e'; break;
    case 'F': upper = true; code = 'f'; break;
    case 'G': upper = true; code = 'g'; break;
    default: break;
  }
  int mode = 0;
  switch (code) {
    case 'e': mode = 2; ++precision; break;
    case 'f': mode = 3; break;
    case 'g':
      mode = 2;
      if (precision == 0) precision = 1;
      break;
    default: mode = 0; break;  // 'r'
  }
  const bool always_sign = (flags & kSign) != 0;
  const bool add_dot_0 = (flags & kAddDot0) != 0;
  const bool alt = (flags & kAlt) != 0;
  Digits dg = dtoa(d, mode, precision);
  std::string out;
  if (dg.special != 0) {
    if (dg.special == 'n') dg.negative = false;  // the sign of a NaN is ignored
    if (dg.negative) {
      out += '-';
    } else if (always_sign) {
      out += '+';
    }
    out += dg.special == 'i' ? (upper ? "INF" : "inf") : (upper ? "NAN" : "nan");
    return out;
  }
  const std::string& digits = dg.digits;
  const int digits_len = static_cast<int>(digits.size());
  if ((flags & kNoNeg0) != 0 && dg.negative &&
      (digits_len == 0 || (digits_len == 1 && digits[0] == '0'))) {
    dg.negative = false;
  }
  int decpt = dg.decpt;
  int vdigits_end = digits_len;
  bool use_exp = false;
  switch (code) {
    case 'e':
      use_exp = true;
      vdigits_end = precision;
      break;
    case 'f': vdigits_end = decpt + precision; break;
    case 'g':
      if (decpt <= -4 || decpt > (add_dot_0 ? precision - 1 : precision)) use_exp = true;
      if (alt) vdigits_end = precision;
      break;
    default:  // 'r': exponent from 1e16 on
      if (decpt <= -4 || decpt > 16) use_exp = true;
      break;
  }
  int exp = 0;
  if (use_exp) {
    exp = decpt - 1;
    decpt = 1;
  }
  const int vdigits_start = decpt <= 0 ? decpt - 1 : 0;
  if (!use_exp && add_dot_0) {
    vdigits_end = vdigits_end > decpt ? vdigits_end : decpt + 1;
  } else {
    vdigits_end = vdigits_end > decpt ? vdigits_end : decpt;
  }
  if (dg.negative) {
    out += '-';
  } else if (always_sign) {
    out += '+';
  }
  if (decpt <= 0) {
    out.append(static_cast<std::size_t>(decpt - vdigits_start), '0');
    out += '.';
    out.append(static_cast<std::size_t>(-decpt), '0');
  } else {
    out.append(static_cast<std::size_t>(-vdigits_start), '0');
  }
  if (0 < decpt && decpt <= digits_len) {
    out.append(digits, 0, static_cast<std::size_t>(decpt));
    out += '.';
    out.append(digits, static_cast<std::size_t>(decpt), std::string::npos);
  } else {
    out += digits;
  }
  if (digits_len < decpt) {
    out.append(static_cast<std::size_t>(decpt - digits_len), '0');
    out += '.';
    out.append(static_cast<std::size_t>(vdigits_end - decpt), '0');
  } else {
    out.append(static_cast<std::size_t>(vdigits_end - digits_len), '0');
  }
  if (!out.empty() && out.back() == '.' && !alt) out.pop_back();
  if (use_exp) {
    out += upper ? 'E' : 'e';
    char buf[16];
    std::snprintf(buf, sizeof buf, "%+.02d", exp);
    out += buf;
  }
  return out;
}

namespace {

// ---------------------------------------------------------- the spec ----

bool is_alignment(char32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

// get_integer of formatter_unicode.c: digits into *out; -1 on overflow.
int read_integer(const std::u32string& s, std::size_t* pos, std::int64_t* out) {
  std::int64_t acc = 0;
  int consumed = 0;
  while (*pos < s.size()) {
    const int digit = uc_decimal_value(s[*pos]);
    if (digit < 0) break;
    if (acc > (INT64_MAX - digit) / 10) return -1;
    acc = acc * 10 + digit;
    ++*pos;
    ++consumed;
  }
  *out = acc;
  return consumed;
}

std::string char_repr_for_code(char32_t c) {
  if (c > 32 && c < 128) return std::string(1, static_cast<char>(c));
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\x%x", static_cast<unsigned>(c));
  return buf;
}

std::string unknown_code(char32_t type, const char* type_name) {
  return "Unknown format code '" + char_repr_for_code(type) + "' for object of type '" + type_name + "'";
}

// ------------------------------------------------------------ layout ----

// Digits grouped as _PyUnicode_InsertThousandsGrouping does, zero-filled to
// min_width (the '0' flag): group 0 means no grouping.
std::string group_digits(std::string_view digits, std::int64_t min_width, char sep, int group) {
  std::string rev;  // built from the right
  std::int64_t remaining = static_cast<std::int64_t>(digits.size());
  std::size_t pos = digits.size();
  if (min_width < 0) min_width = 0;
  bool use_sep = false;
  auto fill = [&](std::int64_t n_chars, std::int64_t n_zeros) {
    if (use_sep) rev += sep;
    for (std::int64_t i = 0; i < n_chars; ++i) rev += digits[--pos];
    rev.append(static_cast<std::size_t>(n_zeros), '0');
  };
  bool broken = false;
  if (group > 0) {
    for (;;) {
      std::int64_t l = group;
      l = std::min(l, std::max<std::int64_t>(std::max(remaining, min_width), 1));
      const std::int64_t n_zeros = std::max<std::int64_t>(0, l - remaining);
      const std::int64_t n_chars = std::max<std::int64_t>(0, std::min(remaining, l));
      fill(n_chars, n_zeros);
      use_sep = true;
      remaining -= n_chars;
      min_width -= l;
      if (remaining <= 0 && min_width <= 0) {
        broken = true;
        break;
      }
      min_width -= 1;  // the separator's width
    }
  }
  if (!broken) {
    const std::int64_t l = std::max<std::int64_t>(std::max(remaining, min_width), 1);
    const std::int64_t n_zeros = std::max<std::int64_t>(0, l - remaining);
    const std::int64_t n_chars = std::max<std::int64_t>(0, std::min(remaining, l));
    fill(n_chars, n_zeros);
  }
  return std::string(rev.rbegin(), rev.rend());
}

// calc_number_widths + fill_number: [lpad][sign][prefix][spad][digits][.][remainder][rpad].
std::string layout_number(const FormatSpec& f, char sign_char, std::string_view prefix, std::string_view digits,
                          bool has_decimal, std::string_view remainder, char sep, int group, bool upper) {
  char sign = 0;
  switch (f.sign) {
    case '+': sign = sign_char == '-' ? '-' : '+'; break;
    case ' ': sign = sign_char == '-' ? '-' : ' '; break;
    default:
      if (sign_char == '-') sign = '-';
      break;
  }
  const std::int64_t n_sign = sign != 0 ? 1 : 0;
  std::int64_t n_remainder = 0;  // code points ('c' formats one character)
  for (unsigned char c : remainder) n_remainder += (c & 0xC0) != 0x80 ? 1 : 0;
  const std::int64_t n_non_digit =
      n_sign + static_cast<std::int64_t>(prefix.size()) + (has_decimal ? 1 : 0) + n_remainder;
  const std::int64_t min_width = (f.fill == U'0' && f.align == '=') ? f.width - n_non_digit : 0;
  std::string grouped;
  if (!digits.empty()) grouped = group_digits(digits, min_width, sep, group);
  const std::int64_t n_padding = f.width - (n_non_digit + static_cast<std::int64_t>(grouped.size()));
  std::int64_t lpad = 0, spad = 0, rpad = 0;
  if (n_padding > 0) {
    switch (f.align) {
      case '<': rpad = n_padding; break;
      case '^':
        lpad = n_padding / 2;
        rpad = n_padding - lpad;
        break;
      case '=': spad = n_padding; break;
      default: lpad = n_padding; break;
    }
  }
  std::string fill;
  utf8_append(&fill, f.fill);
  std::string out;
  for (std::int64_t i = 0; i < lpad; ++i) out += fill;
  if (sign != 0) out += sign;
  if (!prefix.empty()) {
    std::string p(prefix);
    if (upper) {
      for (char& c : p) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    out += p;
  }
  for (std::int64_t i = 0; i < spad; ++i) out += fill;
  if (upper) {
    for (char& c : grouped) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  out += grouped;
  if (has_decimal) out += '.';
  out += remainder;
  for (std::int64_t i = 0; i < rpad; ++i) out += fill;
  return out;
}

int group_for(const FormatSpec& f, bool bin_oct_hex) {
  if (f.grouping == 0) return 0;
  return (f.grouping == '_' && bin_oct_hex) ? 4 : 3;
}

}  // namespace

std::string int_to_base(std::int64_t v, int base, bool prefix) {
  const bool neg = v < 0;
  std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  std::string rev;
  do {
    const unsigned d = static_cast<unsigned>(u % static_cast<unsigned>(base));
    rev += static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
    u /= static_cast<unsigned>(base);
  } while (u != 0);
  std::string out = neg ? "-" : "";
  if (prefix) {
    if (base == 2) out += "0b";
    if (base == 8) out += "0o";
    if (base == 16) out += "0x";
  }
  out.append(rev.rbegin(), rev.rend());
  return out;
}

bool parse_format_spec(std::string_view spec_utf8, const char* type_name, char default_type, char default_align,
                       FormatSpec* out, std::string* error) {
  const std::u32string s = to_u32(spec_utf8);
  FormatSpec f;
  f.align = default_align;
  f.type = static_cast<char32_t>(default_type);
  std::size_t pos = 0;
  const std::size_t end = s.size();
  bool align_given = false;
  if (end - pos >= 2 && is_alignment(s[pos + 1])) {
    f.align = static_cast<char>(s[pos + 1]);
    f.fill = s[pos];
    f.fill_given = true;
    align_given = true;
    pos += 2;
  } else if (end - pos >= 1 && is_alignment(s[pos])) {
    f.align = static_cast<char>(s[pos]);
    align_given = true;
    ++pos;
  }
  if (end - pos >= 1 && (s[pos] == '+' || s[pos] == '-' || s[pos] == ' ')) {
    f.sign = static_cast<char>(s[pos]);
    ++pos;
  }
  if (end - pos >= 1 && s[pos] == 'z') {
    f.no_neg_0 = true;
    ++pos;
  }
  if (end - pos >= 1 && s[pos] == '#') {
    f.alternate = true;
    ++pos;
  }
  if (!f.fill_given && end - pos >= 1 && s[pos] == '0') {
    f.fill = U'0';
    if (!align_given && default_align == '>') f.align = '=';
    ++pos;
  }
  int consumed = read_integer(s, &pos, &f.width);
  if (consumed < 0) {
    *error = "Too many decimal digits in format string";
    return false;
  }
  if (consumed == 0) f.width = -1;
  if (end - pos >= 1 && s[pos] == ',') {
    f.grouping = ',';
    ++pos;
  }
  if (end - pos >= 1 && s[pos] == '_') {
    if (f.grouping != 0) {
      *error = "Cannot specify both ',' and '_'.";
      return false;
    }
    f.grouping = '_';
    ++pos;
  }
  if (end - pos >= 1 && s[pos] == ',') {
    if (f.grouping == '_') {
      *error = "Cannot specify both ',' and '_'.";
      return false;
    }
  }
  if (end - pos >= 1 && s[pos] == '.') {
    ++pos;
    consumed = read_integer(s, &pos, &f.precision);
    if (consumed < 0) {
      *error = "Too many decimal digits in format string";
      return false;
    }
    if (consumed == 0) {
      *error = "Format specifier missing precision";
      return false;
    }
  }
  if (end - pos > 1) {
    *error = "Invalid format specifier '" + std::string(spec_utf8) + "' for object of type '" + type_name + "'";
    return false;
  }
  if (end - pos == 1) {
    f.type = s[pos];
    ++pos;
  }
  if (f.grouping != 0) {
    switch (f.type) {
      case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
        break;
      case 'b': case 'o': case 'x': case 'X':
        if (f.grouping == '_') break;
        [[fallthrough]];
      default:
        *error = std::string("Cannot specify '") + f.grouping + "' with '" + char_repr_for_code(f.type) + "'.";
        return false;
    }
  }
  *out = f;
  return true;
}

bool format_int_spec(std::int64_t v, std::string_view spec, const char* type_name, std::string* out,
                     std::string* error, char* error_type) {
  *error_type = 'V';
  FormatSpec f;
  if (!parse_format_spec(spec, type_name, 'd', '>', &f, error)) return false;
  switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
      break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%':
      return format_float_spec(static_cast<double>(v), spec, type_name, out, error, error_type);
    default:
      *error = unknown_code(f.type, type_name);
      return false;
  }
  if (f.precision != -1) {
    *error = "Precision not allowed in integer format specifier";
    return false;
  }
  if (f.no_neg_0) {
    *error = "Negative zero coercion (z) not allowed in integer format specifier";
    return false;
  }
  if (f.type == 'c') {
    if (f.sign != 0) {
      *error = "Sign not allowed with integer format specifier 'c'";
      return false;
    }
    if (f.alternate) {
      *error = "Alternate form (#) not allowed with integer format specifier 'c'";
      return false;
    }
    if (v < 0 || v > 0x10FFFF) {
      *error = "%c arg not in range(0x110000)";
      *error_type = 'O';
      return false;
    }
    std::string ch;
    utf8_append(&ch, static_cast<char32_t>(v));
    *out = layout_number(f, 0, "", "", false, ch, 0, 0, false);
    return true;
  }
  int base = 10;
  switch (f.type) {
    case 'b': base = 2; break;
    case 'o': base = 8; break;
    case 'x': case 'X': base = 16; break;
    default: break;
  }
  std::string digits = int_to_base(v, base, false);
  char sign_char = 0;
  if (!digits.empty() && digits[0] == '-') {
    sign_char = '-';
    digits.erase(0, 1);
  }
  std::string prefix;
  if (f.alternate && base != 10) prefix = base == 2 ? "0b" : base == 8 ? "0o" : "0x";
  // 'n' uses the current locale: Python runs with LC_NUMERIC "C", which
  // has no thousands separator.
  const int group = f.type == 'n' ? 0 : group_for(f, base != 10);
  *out = layout_number(f, sign_char, prefix, digits, false, "", f.grouping, group, f.type == 'X');
  return true;
}

bool format_float_spec(double d, std::string_view spec, const char* type_name, std::string* out,
                       std::string* error, char* error_type) {
  *error_type = 'V';
  FormatSpec f;
  if (!parse_format_spec(spec, type_name, 0, '>', &f, error)) return false;
  switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
      break;
    default:
      *error = unknown_code(f.type, type_name);
      return false;
  }
  if (f.precision > 2147483647) {
    *error = "precision too big";
    return false;
  }
  char type = static_cast<char>(f.type);
  unsigned flags = 0;
  int precision = static_cast<int>(f.precision);
  int default_precision = 6;
  if (f.alternate) flags |= kAlt;
  if (f.no_neg_0) flags |= kNoNeg0;
  if (type == 0) {
    flags |= kAddDot0;
    type = 'r';
    default_precision = 0;
  }
  if (type == 'n') type = 'g';
  bool add_pct = false;
  if (type == '%') {
    type = 'f';
    d *= 100;
    add_pct = true;
  }
  if (precision < 0) {
    precision = default_precision;
  } else if (type == 'r') {
    type = 'g';
  }
  std::string buf = double_to_string(d, type, precision, flags);
  if (add_pct) buf += '%';
  std::size_t index = 0;
  char sign_char = 0;
  if (!buf.empty() && buf[0] == '-') {
    sign_char = '-';
    index = 1;
  }
  // parse_number: the digits, then a decimal point, then the remainder.
  std::size_t p = index;
  while (p < buf.size() && buf[p] >= '0' && buf[p] <= '9') ++p;
  const std::string_view digits(buf.data() + index, p - index);
  const bool has_decimal = p < buf.size() && buf[p] == '.';
  const std::string_view remainder(buf.data() + p + (has_decimal ? 1 : 0),
                                   buf.size() - p - (has_decimal ? 1 : 0));
  const int group = f.type == 'n' ? 0 : group_for(f, false);
  *out = layout_number(f, sign_char, "", digits, has_decimal, remainder, f.grouping, group, false);
  return true;
}

bool format_str_spec(std::string_view s, std::string_view spec, const char* type_name, std::string* out,
                     std::string* error) {
  FormatSpec f;
  if (!parse_format_spec(spec, type_name, 's', '<', &f, error)) return false;
  if (f.type != 's') {
    *error = unknown_code(f.type, type_name);
    return false;
  }
  if (f.sign != 0) {
    *error = f.sign == ' ' ? "Space not allowed in string format specifier"
                           : "Sign not allowed in string format specifier";
    return false;
  }
  if (f.no_neg_0) {
    *error = "Negative zero coercion (z) not allowed in string format specifier";
    return false;
  }
  if (f.alternate) {
    *error = "Alternate form (#) not allowed in string format specifier";
    return false;
  }
  if (f.align == '=') {
    *error = "'=' alignment not allowed in string format specifier";
    return false;
  }
  // Lengths in code points.
  std::int64_t len = 0;
  std::size_t cut = s.size();
  for (std::size_t i = 0; i < s.size();) {
    if (f.precision >= 0 && len == f.precision) {
      cut = i;
      break;
    }
    utf8_next(s, &i);
    ++len;
  }
  std::string fill;
  utf8_append(&fill, f.fill);
  const std::int64_t pad = f.width > len ? f.width - len : 0;
  std::int64_t left = 0;
  std::int64_t right = 0;
  switch (f.align) {
    case '>': left = pad; break;
    case '^':
      left = pad / 2;
      right = pad - left;
      break;
    default: right = pad; break;
  }
  out->clear();
  for (std::int64_t i = 0; i < left; ++i) *out += fill;
  out->append(s.substr(0, cut));
  for (std::int64_t i = 0; i < right; ++i) *out += fill;
  return true;
}

}  // namespace lib

using lib::type_error;
using lib::type_name;

// ---------------------------------------------------------- float_repr ----

std::string float_repr(double d) { return lib::double_to_string(d, 'r', 0, lib::kAddDot0); }

// -------------------------------------------------------------- format ----

namespace {

Value spec_error(Vm& vm, const std::string& error, char error_type) {
  return vm.raise(error_type == 'O' ? vm.b().OverflowError : vm.b().ValueError, error);
}

}  // namespace

Value format(Vm& vm, const Value& v, const Value& spec_value) {
  if (!spec_value.is(Kind::kStr)) {
    return type_error(vm, "format() argument 2 must be str, not " + type_name(vm, spec_value));
  }
  const std::string& spec = str_of(spec_value);
  std::string out;
  std::string error;
  char error_type = 'V';
  switch (v.kind()) {
    case Kind::kStr:
      if (spec.empty()) return v;
      if (!lib::format_str_spec(str_of(v), spec, "str", &out, &error)) return spec_error(vm, error, 'V');
      return make_str(std::move(out));
    case Kind::kInt:
      if (spec.empty()) return make_str(std::to_string(v.as_int()));
      if (!lib::format_int_spec(v.as_int(), spec, "int", &out, &error, &error_type)) {
        return spec_error(vm, error, error_type);
      }
      return make_str(std::move(out));
    case Kind::kBool:
      if (spec.empty()) return make_str(v.as_bool() ? "True" : "False");
      if (!lib::format_int_spec(v.as_bool() ? 1 : 0, spec, "bool", &out, &error, &error_type)) {
        return spec_error(vm, error, error_type);
      }
      return make_str(std::move(out));
    case Kind::kFloat:
      if (spec.empty()) return make_str(float_repr(v.as_float()));
      if (!lib::format_float_spec(v.as_float(), spec, "float", &out, &error, &error_type)) {
        return spec_error(vm, error, error_type);
      }
      return make_str(std::move(out));
    case Kind::kDuration: {
      // A duration formats as its seconds: a float with a numeric type,
      // its text ("1.5s") otherwise.
      if (spec.empty()) return make_str(lib::duration_str(v.as_duration()));
      const char last = spec.back();
      if (std::strchr("eEfFgGn%", last) != nullptr) {
        if (!lib::format_float_spec(static_cast<double>(v.as_duration()) / 1e9, spec, "duration", &out, &error,
                                    &error_type)) {
          return spec_error(vm, error, error_type);
        }
      } else if (!lib::format_str_spec(lib::duration_str(v.as_duration()), spec, "duration", &out, &error)) {
        return spec_error(vm, error, 'V');
      }
      return make_str(std::move(out));
    }
    default:
      break;
  }
  if (lib::is_user(v)) {
    bool found = false;
    Value r = lib::call_special(vm, v, "__format__", {spec_value}, &found);
    if (found) {
      if (r.is_error()) return r;
      if (!r.is(Kind::kStr)) return type_error(vm, "__format__ must return a str, not " + type_name(vm, r));
      return r;
    }
  }
  // object.__format__
  if (!spec.empty()) {
    return type_error(vm, "unsupported format string passed to " + type_name(vm, v) + ".__format__");
  }
  return str(vm, v);
}

// ------------------------------------------------------ str % args ----

namespace lib {
namespace {

constexpr int kLjust = 1, kSignFlag = 2, kBlank = 4, kAltFlag = 8, kZero = 16;

struct PercentArg {
  char32_t ch = 0;
  int flags = 0;
  std::int64_t width = -1;
  std::int64_t prec = -1;
  bool sign = false;
};

// True when `v` supports the mapping protocol as PyMapping_Check sees it.
bool mapping_check(Vm& vm, const Value& v) {
  switch (v.kind()) {
    case Kind::kDict:
    case Kind::kList:
    case Kind::kRange:
      return true;
    case Kind::kTuple:
    case Kind::kStr:
      return false;
    default:
      break;
  }
  if (is_user(v)) return !vm.lookup_special(v, "__getitem__").is_unset();
  return false;
}

// PyNumber_Check: int, float, or a class with __index__, __int__ or __float__.
bool number_check(Vm& vm, const Value& v) {
  if (is_number(v)) return true;
  if (!is_user(v)) return false;
  for (const char* n : {"__index__", "__int__", "__float__"}) {
    if (!vm.lookup_special(v, n).is_unset()) return true;
  }
  return false;
}

// unicode_format_arg_output: padding, sign and prefix.
void percent_output(PercentArg& arg, const std::string& str_utf8, std::string* out) {
  const std::u32string str = to_u32(str_utf8);
  char32_t fill = U' ';
  if (arg.sign && (arg.flags & kZero) != 0) fill = U'0';
  std::int64_t len = static_cast<std::int64_t>(str.size());
  if ((arg.width == -1 || arg.width <= len) && (arg.prec == -1 || arg.prec >= len) &&
      (arg.flags & (kSignFlag | kBlank)) == 0) {
    *out += str_utf8;
    return;
  }
  if (arg.ch == 's' || arg.ch == 'r' || arg.ch == 'a') {
    if (arg.prec >= 0 && len > arg.prec) len = arg.prec;
  }
  std::size_t pindex = 0;
  char32_t signchar = 0;
  if (arg.sign) {
    const char32_t ch = str.empty() ? 0 : str[0];
    if (ch == '-' || ch == '+') {
      signchar = ch;
      --len;
      ++pindex;
    } else if ((arg.flags & kSignFlag) != 0) {
      signchar = '+';
    } else if ((arg.flags & kBlank) != 0) {
      signchar = ' ';
    } else {
      arg.sign = false;
    }
  }
  if (arg.width < len) arg.width = len;
  std::u32string w;
  if (arg.sign) {
    if (fill != U' ') w += signchar;
    if (arg.width > len) --arg.width;
  }
  const bool prefixed = (arg.flags & kAltFlag) != 0 && (arg.ch == 'x' || arg.ch == 'X' || arg.ch == 'o');
  if (prefixed) {
    if (fill != U' ') {
      w += U'0';
      w += arg.ch;
      pindex += 2;
    }
    arg.width -= 2;
    if (arg.width < 0) arg.width = 0;
    len -= 2;
  }
  if (arg.width > len && (arg.flags & kLjust) == 0) {
    w.append(static_cast<std::size_t>(arg.width - len), fill);
    arg.width = len;
  }
  if (fill == U' ') {
    if (arg.sign) w += signchar;
    if (prefixed) {
      w += U'0';
      w += arg.ch;
      pindex += 2;
    }
  }
  if (len > 0) w.append(str, pindex, static_cast<std::size_t>(len));
  if (arg.width > len) w.append(static_cast<std::size_t>(arg.width - len), U' ');
  *out += from_u32(w);
}

// _PyUnicode_FormatLong: digits with the precision's zeros and the prefix.
std::string format_long(std::int64_t v, bool alt, std::int64_t prec, char32_t type) {
  int base = 10;
  if (type == 'o') base = 8;
  if (type == 'x' || type == 'X') base = 16;
  std::string digits = int_to_base(v, base, false);
  std::string sign;
  if (digits[0] == '-') {
    sign = "-";
    digits.erase(0, 1);
  }
  if (prec > static_cast<std::int64_t>(digits.size())) {
    digits.insert(0, static_cast<std::size_t>(prec - static_cast<std::int64_t>(digits.size())), '0');
  }
  std::string prefix;
  if (alt && base != 10) prefix = base == 8 ? "0o" : "0x";
  std::string out = sign + prefix + digits;
  if (type == 'X') {
    for (char& c : out) {
      if (c >= 'a' && c <= 'x') c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

}  // namespace

Value percent_format(Vm& vm, const Value& format_value, const Value& args) {
  const std::u32string fmt = to_u32(str_of(format_value));
  std::string out;
  Value cur_args = args;
  std::int64_t arglen = -1;
  std::int64_t argidx = -2;
  if (args.is(Kind::kTuple)) {
    arglen = static_cast<std::int64_t>(args.as<TupleObj>()->items.size());
    argidx = 0;
  }
  const bool has_dict = mapping_check(vm, args);
  auto next_arg = [&]() -> Value {
    if (argidx < arglen) {
      const std::int64_t i = argidx++;
      if (arglen < 0) return cur_args;
      return cur_args.as<TupleObj>()->items[static_cast<std::size_t>(i)];
    }
    return type_error(vm, "not enough arguments for format string");
  };
  std::size_t pos = 0;
  const std::size_t n = fmt.size();
  while (pos < n) {
    if (fmt[pos] != '%') {
      const std::size_t start = pos;
      while (pos < n && fmt[pos] != '%') ++pos;
      out += from_u32(fmt.substr(start, pos - start));
      continue;
    }
    ++pos;  // past '%'
    if (pos >= n) return value_error(vm, "incomplete format");
    if (fmt[pos] == '%') {
      out += '%';
      ++pos;
      continue;
    }
    PercentArg arg;
    arg.ch = fmt[pos];
    if (arg.ch == '(') {
      if (!has_dict) return type_error(vm, "format requires a mapping");
      ++pos;
      const std::size_t keystart = pos;
      int pcount = 1;
      while (pcount > 0 && pos < n) {
        if (fmt[pos] == ')') --pcount;
        else if (fmt[pos] == '(') ++pcount;
        ++pos;
      }
      if (pcount > 0) return value_error(vm, "incomplete format key");
      Value key = make_str(from_u32(fmt.substr(keystart, pos - keystart - 1)));
      Value item = getitem(vm, args, key);
      if (item.is_error()) return item;
      cur_args = item;
      arglen = -1;
      argidx = -2;
      if (pos >= n) return value_error(vm, "incomplete format");
      arg.ch = fmt[pos];
    }
    // Flags.
    for (;;) {
      bool flag = true;
      switch (arg.ch) {
        case '-': arg.flags |= kLjust; break;
        case '+': arg.flags |= kSignFlag; break;
        case ' ': arg.flags |= kBlank; break;
        case '#': arg.flags |= kAltFlag; break;
        case '0': arg.flags |= kZero; break;
        default: flag = false; break;
      }
      if (!flag) break;
      ++pos;
      if (pos >= n) return value_error(vm, "incomplete format");
      arg.ch = fmt[pos];
    }
    // Width.
    if (arg.ch == '*') {
      Value w = next_arg();
      if (w.is_error()) return w;
      if (!is_intlike(w)) return type_error(vm, "* wants int");
      arg.width = w.as_int();
      if (arg.width < 0) {
        arg.flags |= kLjust;
        arg.width = -arg.width;
      }
      ++pos;
      if (pos >= n) return value_error(vm, "incomplete format");
      arg.ch = fmt[pos];
    } else if (arg.ch >= '0' && arg.ch <= '9') {
      arg.width = arg.ch - '0';
      for (;;) {
        ++pos;
        if (pos >= n) return value_error(vm, "incomplete format");
        arg.ch = fmt[pos];
        if (arg.ch < '0' || arg.ch > '9') break;
        if (arg.width > (INT64_MAX - (arg.ch - '0')) / 10) return value_error(vm, "width too big");
        arg.width = arg.width * 10 + (arg.ch - '0');
      }
    }
    // Precision.
    if (arg.ch == '.') {
      arg.prec = 0;
      ++pos;
      if (pos >= n) return value_error(vm, "incomplete format");
      arg.ch = fmt[pos];
      if (arg.ch == '*') {
        Value p = next_arg();
        if (p.is_error()) return p;
        if (!is_intlike(p)) return type_error(vm, "* wants int");
        arg.prec = p.as_int();
        if (arg.prec < 0) arg.prec = 0;
        ++pos;
        if (pos >= n) return value_error(vm, "incomplete format");
        arg.ch = fmt[pos];
      } else if (arg.ch >= '0' && arg.ch <= '9') {
        arg.prec = arg.ch - '0';
        for (;;) {
          ++pos;
          if (pos >= n) return value_error(vm, "incomplete format");
          arg.ch = fmt[pos];
          if (arg.ch < '0' || arg.ch > '9') break;
          if (arg.prec > (2147483647 - (arg.ch - '0')) / 10) return value_error(vm, "precision too big");
          arg.prec = arg.prec * 10 + (arg.ch - '0');
        }
      }
    }
    if (arg.ch == 'h' || arg.ch == 'l' || arg.ch == 'L') {
      ++pos;
      if (pos >= n) return value_error(vm, "incomplete format");
      arg.ch = fmt[pos];
    }
    ++pos;  // past the conversion character
    // The argument.
    Value v = next_arg();
    if (v.is_error()) return v;
    std::string text;
    switch (arg.ch) {
      case 's':
      case 'r':
      case 'a': {
        Value s = arg.ch == 's' ? str(vm, v) : repr(vm, v);
        if (s.is_error()) return s;
        text = str_of(s);
        if (arg.ch == 'a') text = ascii_escape(text);
        break;
      }
      case 'i':
      case 'd':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        const char c = static_cast<char>(arg.ch);
        auto wrongtype = [&]() {
          if (c == 'o' || c == 'x' || c == 'X') {
            return type_error(vm, std::string("%") + c + " format: an integer is required, not " + type_name(vm, v));
          }
          return type_error(vm, std::string("%") + c + " format: a real number is required, not " + type_name(vm, v));
        };
        if (!number_check(vm, v)) return wrongtype();
        std::int64_t iv = 0;
        if (is_intlike(v)) {
          iv = v.as_int();
        } else if (c == 'o' || c == 'x' || c == 'X') {
          if (!index_of(vm, v, &iv)) {
            if (error_is(vm, vm.b().TypeError)) {
              vm.take_error();
              return wrongtype();
            }
            return Value::error();
          }
        } else {
          Value i = to_int(vm, v, Value::unset());
          if (i.is_error()) {
            if (error_is(vm, vm.b().TypeError)) {
              vm.take_error();
              return wrongtype();
            }
            return i;
          }
          iv = i.as_int();
        }
        text = format_long(iv, (arg.flags & kAltFlag) != 0, arg.prec, arg.ch);
        arg.sign = true;
        break;
      }
      case 'e':
      case 'E':
      case 'f':
      case 'F':
      case 'g':
      case 'G': {
        // PyFloat_AsDouble: a float, an int, or __float__ / __index__.
        double x = 0;
        if (v.is(Kind::kFloat)) {
          x = v.as_float();
        } else if (is_intlike(v)) {
          x = static_cast<double>(v.as_int());
        } else if (v.is(Kind::kDuration)) {
          x = static_cast<double>(v.as_duration()) / 1e9;
        } else if (number_check(vm, v)) {
          Value f = to_float(vm, v);
          if (f.is_error()) return f;
          x = f.as_float();
        } else {
          return type_error(vm, "must be real number, not " + type_name(vm, v));
        }
        const int prec = arg.prec < 0 ? 6 : static_cast<int>(arg.prec);
        text = double_to_string(x, static_cast<char>(arg.ch), prec, (arg.flags & kAltFlag) != 0 ? static_cast<unsigned>(kAlt) : 0U);
        arg.sign = true;
        break;
      }
      case 'c': {
        char32_t ch = 0;
        if (v.is(Kind::kStr)) {
          if (v.as<StrObj>()->length != 1) return type_error(vm, "%c requires int or char");
          std::size_t i = 0;
          ch = utf8_next(str_of(v), &i);
        } else {
          std::int64_t x = 0;
          if (!index_of(vm, v, &x)) {
            if (error_is(vm, vm.b().TypeError)) {
              vm.take_error();
              return type_error(vm, "%c requires int or char");
            }
            return Value::error();
          }
          if (x < 0 || x > 0x10FFFF) return vm.raise(vm.b().OverflowError, "%c arg not in range(0x110000)");
          ch = static_cast<char32_t>(x);
        }
        utf8_append(&text, ch);
        break;
      }
      default: {
        char buf[96];
        const char shown = (arg.ch >= 31 && arg.ch <= 126) ? static_cast<char>(arg.ch) : '?';
        std::snprintf(buf, sizeof buf, "unsupported format character '%c' (0x%x) at index %zu", shown,
                      static_cast<unsigned>(arg.ch), pos - 1);
        return value_error(vm, buf);
      }
    }
    percent_output(arg, text, &out);
    if (has_dict && argidx < arglen) {
      return type_error(vm, "not all arguments converted during string formatting");
    }
  }
  if (argidx < arglen && !has_dict) {
    return type_error(vm, "not all arguments converted during string formatting");
  }
  return make_str(std::move(out));
}

// ------------------------------------------------------- str.format ----

namespace {

struct AutoNumber {
  int state = 0;  // 0 init, 1 auto, 2 manual
  std::int64_t next = 0;
};

// get_integer of unicode_format.h: -1 when not all decimal digits; -2 on
// overflow (the error is raised).
std::int64_t field_integer(Vm& vm, std::u32string_view s) {
  if (s.empty()) return -1;
  std::int64_t acc = 0;
  for (char32_t c : s) {
    const int d = uc_decimal_value(c);
    if (d < 0) return -1;
    if (acc > (INT64_MAX - d) / 10) {
      value_error(vm, "Too many decimal digits in format string");
      return -2;
    }
    acc = acc * 10 + d;
  }
  return acc;
}

Value field_object(Vm& vm, std::u32string_view field, const Value* args, std::size_t nargs, const Value& kwargs,
                   AutoNumber* autonum) {
  std::size_t p = 0;
  while (p < field.size() && field[p] != '.' && field[p] != '[') ++p;
  const std::u32string_view first = field.substr(0, p);
  std::int64_t index = field_integer(vm, first);
  if (index == -2) return Value::error();
  const bool empty = first.empty();
  const bool numeric = empty || index != -1;
  if (autonum->state == 0 && numeric) autonum->state = empty ? 1 : 2;
  if (numeric) {
    if (autonum->state == 2 && empty) {
      return value_error(vm, "cannot switch from manual field specification to automatic field numbering");
    }
    if (autonum->state == 1 && !empty) {
      return value_error(vm, "cannot switch from automatic field numbering to manual field specification");
    }
  }
  if (empty) index = autonum->next++;
  Value obj;
  if (index == -1) {
    Value key = make_str(from_u32(first));
    Value v = kwargs.is(Kind::kDict) ? dict_get(vm, kwargs, key) : Value::unset();
    if (v.is_error()) return v;
    if (v.is_unset()) return key_error(vm, key);
    obj = v;
  } else {
    if (static_cast<std::uint64_t>(index) >= nargs) {
      return index_error(vm, "Replacement index " + std::to_string(index) + " out of range for positional args tuple");
    }
    obj = args[index];
  }
  // The rest: .attr and [key].
  while (p < field.size()) {
    const char32_t c = field[p++];
    std::u32string_view name;
    bool is_attr = false;
    if (c == '.') {
      is_attr = true;
      const std::size_t start = p;
      while (p < field.size() && field[p] != '.' && field[p] != '[') ++p;
      name = field.substr(start, p - start);
    } else if (c == '[') {
      const std::size_t start = p;
      while (p < field.size() && field[p] != ']') ++p;
      if (p >= field.size()) return value_error(vm, "Missing ']' in format string");
      name = field.substr(start, p - start);
      ++p;
    } else {
      return value_error(vm, "Only '.' or '[' may follow ']' in format field specifier");
    }
    if (name.empty()) return value_error(vm, "Empty attribute in format string");
    Value next;
    if (is_attr) {
      next = vm.getattr(obj, from_u32(name));
    } else {
      const std::int64_t i = field_integer(vm, name);
      if (i == -2) return Value::error();
      next = getitem(vm, obj, i == -1 ? make_str(from_u32(name)) : Value::integer(i));
    }
    if (next.is_error()) return next;
    obj = std::move(next);
  }
  return obj;
}

bool build_string(Vm& vm, std::u32string_view input, const Value* args, std::size_t nargs, const Value& kwargs,
                  int depth, AutoNumber* autonum, std::string* out) {
  if (depth <= 0) {
    value_error(vm, "Max string recursion exceeded");
    return false;
  }
  std::size_t pos = 0;
  const std::size_t end = input.size();
  while (pos < end) {
    // Literal text up to the next brace.
    const std::size_t start = pos;
    char32_t c = 0;
    bool markup = false;
    while (pos < end) {
      c = input[pos++];
      if (c == '{' || c == '}') {
        markup = true;
        break;
      }
    }
    const bool at_end = pos >= end;
    std::size_t len = pos - start;
    if (markup && c == '}' && (at_end || input[pos] != '}')) {
      value_error(vm, "Single '}' encountered in format string");
      return false;
    }
    if (markup && at_end && c == '{') {
      value_error(vm, "Single '{' encountered in format string");
      return false;
    }
    if (markup && !at_end) {
      if (input[pos] == c) {
        ++pos;  // an escaped brace: literal text only
        markup = false;
      } else {
        --len;
      }
    }
    *out += from_u32(input.substr(start, len));
    if (!markup) continue;
    // parse_field: the field name, then !conversion, then :spec.
    const std::size_t name_start = pos;
    c = 0;
    while (pos < end) {
      c = input[pos++];
      if (c == '{') {
        value_error(vm, "unexpected '{' in field name");
        return false;
      }
      if (c == '[') {
        while (pos < end && input[pos] != ']') ++pos;
        continue;
      }
      if (c == '}' || c == ':' || c == '!') break;
    }
    if (c != '}' && c != ':' && c != '!') {
      value_error(vm, "expected '}' before end of string");
      return false;
    }
    const std::u32string_view field_name = input.substr(name_start, pos - 1 - name_start);
    char32_t conversion = 0;
    std::u32string_view spec;
    bool spec_needs_expanding = false;
    bool done = c == '}';
    if (c == '!') {
      if (pos >= end) {
        value_error(vm, "end of string while looking for conversion specifier");
        return false;
      }
      conversion = input[pos++];
      if (pos < end) {
        const char32_t after = input[pos++];
        if (after == '}') {
          done = true;
        } else if (after != ':') {
          value_error(vm, "expected ':' after conversion specifier");
          return false;
        }
      }
    }
    if (!done) {
      const std::size_t spec_start = pos;
      int count = 1;
      bool closed = false;
      while (pos < end) {
        const char32_t s = input[pos++];
        if (s == '{') {
          spec_needs_expanding = true;
          ++count;
        } else if (s == '}') {
          if (--count == 0) {
            spec = input.substr(spec_start, pos - 1 - spec_start);
            closed = true;
            break;
          }
        }
      }
      if (!closed) {
        value_error(vm, "unmatched '{' in format spec");
        return false;
      }
    }
    Value obj = field_object(vm, field_name, args, nargs, kwargs, autonum);
    if (obj.is_error()) return false;
    if (conversion != 0) {
      Value conv;
      switch (conversion) {
        case 'r': conv = repr(vm, obj); break;
        case 's': conv = str(vm, obj); break;
        case 'a': {
          conv = repr(vm, obj);
          if (!conv.is_error()) conv = make_str(ascii_escape(str_of(conv)));
          break;
        }
        default: {
          std::string msg = "Unknown conversion specifier ";
          if (conversion > 32 && conversion < 127) {
            msg += static_cast<char>(conversion);
          } else {
            char buf[16];
            std::snprintf(buf, sizeof buf, "\\x%x", static_cast<unsigned>(conversion));
            msg += buf;
          }
          value_error(vm, msg);
          return false;
        }
      }
      if (conv.is_error()) return false;
      obj = std::move(conv);
    }
    std::string spec_text;
    if (spec_needs_expanding) {
      if (!build_string(vm, spec, args, nargs, kwargs, depth - 1, autonum, &spec_text)) return false;
    } else {
      spec_text = from_u32(spec);
    }
    Value r = format(vm, obj, make_str(std::move(spec_text)));
    if (r.is_error()) return false;
    *out += str_of(r);
  }
  return true;
}

}  // namespace

Value str_format(Vm& vm, const Value& format_value, const Value* args, std::size_t nargs, const Value& kwargs) {
  const std::u32string input = to_u32(str_of(format_value));
  AutoNumber autonum;
  std::string out;
  if (!build_string(vm, input, args, nargs, kwargs, 2, &autonum, &out)) return Value::error();
  return make_str(std::move(out));
}

}  // namespace lib
}  // namespace concsim::vm
