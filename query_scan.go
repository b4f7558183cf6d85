package sentinel

import (
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// The query decoder reads a Log Analytics response with kqlScanner, a JSON reader specialised
// for it: it reads the body through its own buffer and hands each cell of a row to the
// decoder as a kind and a byte slice, without building tokens. It accepts exactly the JSON
// that jsontext accepts with AllowInvalidUTF8 and AllowDuplicateNames (FuzzQueryScanner
// checks it against jsontext and against a decoder built on jsontext), and nests at most
// maxDepth levels, as jsontext does.
//
// Byte slices it returns alias its buffer, which is reused as the body is read: they are
// valid until the next call, and whatever outlives that is copied (see setState.keep and
// arena.put).

// maxDepth is the deepest nesting of arrays and objects the decoder accepts, in a response
// and in a dynamic value sent as a string holding JSON: jsontext's limit.
const maxDepth = 10000

// scanBufSize is the initial size of the kqlScanner's buffer; it grows for a longer value and
// shrinks back after it.
const scanBufSize = 32 << 10

type kqlScanner struct {
	r    io.Reader
	buf  []byte
	pos  int   // next byte to read
	mark int   // start of the value being read, kept across refills; -1 when none
	base int64 // offset of buf[0] in the input
	err  error // the reader's error once it returned one (io.EOF at the end)

	stack []byte // open containers of the value being skipped
}

func newKQLScanner(r io.Reader) *kqlScanner {
	return &kqlScanner{r: r, buf: make([]byte, 0, scanBufSize), mark: -1}
}

// fill reads more input into the buffer, keeping what is at or after the mark (or pos) and
// moving it to the front. It returns how far the kept bytes moved, so that callers holding
// indexes into buf can adjust them, and false when there is no more input.
func (s *kqlScanner) fill() (shift int, ok bool) {
	if s.err != nil {
		return 0, false
	}
	keep := s.pos
	if s.mark >= 0 && s.mark < keep {
		keep = s.mark
	}
	kept := len(s.buf) - keep
	switch {
	case kept > cap(s.buf)/2:
		// The value being read fills half the buffer: grow it.
		nb := make([]byte, kept, 2*cap(s.buf))
		copy(nb, s.buf[keep:])
		s.buf = nb
	case cap(s.buf) > 4*scanBufSize && kept < scanBufSize:
		// A long value grew the buffer; give the memory back.
		nb := make([]byte, kept, scanBufSize)
		copy(nb, s.buf[keep:])
		s.buf = nb
	default:
		s.buf = s.buf[:copy(s.buf[:cap(s.buf)], s.buf[keep:])]
	}
	s.base += int64(keep)
	s.pos -= keep
	if s.mark >= 0 {
		s.mark -= keep
	}
	for range 100 {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return keep, true
		}
		if err != nil {
			return keep, false
		}
	}
	s.err = io.ErrNoProgress
	return keep, false
}

// endErr is the error for input that ends inside a value: io.ErrUnexpectedEOF, or the
// reader's own error.
func (s *kqlScanner) endErr() error {
	if s.err == nil || s.err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return s.err
}

// syntaxErr reports invalid JSON at the current position, as jsontext does.
func (s *kqlScanner) syntaxErr(msg string) error {
	return &jsontext.SyntacticError{ByteOffset: s.base + int64(s.pos), Err: errors.New(msg)}
}

var errMaxDepth = errors.New("exceeded max depth")

// next skips white space and returns the next byte without consuming it, or -1 at the end
// of the input.
func (s *kqlScanner) next() int {
	for {
		for s.pos < len(s.buf) {
			c := s.buf[s.pos]
			if c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return int(c)
			}
			s.pos++
		}
		if _, ok := s.fill(); !ok {
			return -1
		}
	}
}

// invalidChar reports the byte c (or the end of input) where something else was expected.
func (s *kqlScanner) invalidChar(c int, where string) error {
	if c < 0 {
		return s.endErr()
	}
	return s.syntaxErr("invalid character " + quoteChar(byte(c)) + " " + where)
}

func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	case c < ' ' || c >= utf8.RuneSelf:
		const hex = "0123456789abcdef"
		return `'\x` + string(hex[c>>4]) + string(hex[c&15]) + `'`
	}
	return "'" + string(c) + "'"
}

// consume reads the byte c, which must come next after white space.
func (s *kqlScanner) consume(c byte, where string) error {
	if got := s.next(); got != int(c) {
		return s.invalidChar(got, where)
	}
	s.pos++
	return nil
}

// strByte classifies the bytes of a string: 0 for bytes that stand for themselves, 1 for
// '"' and '\\', 2 for control characters and 3 for bytes of multi-byte UTF-8.
var strByte = func() (t [256]byte) {
	for c := range 256 {
		switch {
		case c == '"' || c == '\\':
			t[c] = 1
		case c < ' ':
			t[c] = 2
		case c >= utf8.RuneSelf:
			t[c] = 3
		}
	}
	return t
}()

// special8 marks the bytes of x (8 bytes of a string's content, read little-endian) that may
// be '"', '\\', a control character or a byte of multi-byte UTF-8, the bytes that string
// scanning looks at one by one: the high bit of each marked byte is set. It never misses
// one, and the lowest marked byte is always one of them: a byte is marked wrongly only by a
// borrow out of a lower byte, and only a special byte borrows. So when the result is not 0,
// bits.TrailingZeros64(result)/8 is the index of the first special byte.
func special8(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return ((x - lo*' ') | ((x ^ lo*'"') - lo) | ((x ^ lo*'\\') - lo) | x) & hi
}

// plainEnd returns the index of the first byte at or after i in b that is not plain string
// content (see strByte), or len(b).
func plainEnd(b []byte, i int) int {
	for i+8 <= len(b) {
		if m := special8(binary.LittleEndian.Uint64(b[i:])); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
		i += 8
	}
	for i < len(b) && strByte[b[i]] == 0 {
		i++
	}
	return i
}

// strFlags say what a string's content needs before it is text.
const (
	strEscaped = 1 << iota // it has escape sequences
	strHigh                // it has bytes >= 0x80, which may be invalid UTF-8
)

// str reads a string (the next byte is '"') and returns its content between the quotes,
// escape sequences validated but not decoded, and its flags.
func (s *kqlScanner) str() (content []byte, flags int, err error) {
	own := s.mark < 0
	if own {
		s.mark = s.pos
	}
	start := s.pos + 1
	i := start
	for {
		b := s.buf
	scan:
		for i < len(b) {
			if i = plainEnd(b, i); i == len(b) {
				break
			}
			switch strByte[b[i]] {
			case 0:
				i++
			case 3:
				flags |= strHigh
				i++
			case 2:
				s.pos = i
				return nil, 0, s.syntaxErr("invalid control character " + quoteChar(b[i]) + " within string")
			default:
				if b[i] == '"' {
					s.pos = i + 1
					if own {
						s.mark = -1
					}
					return b[start:i:i], flags, nil
				}
				n := escapeLen(b[i:])
				if n == 0 {
					break scan // the escape sequence goes on in the input still to read
				}
				if n < 0 {
					s.pos = i
					return nil, 0, s.syntaxErr("invalid escape sequence " + quoteShort(string(b[i:min(len(b), i+6)])) + " within string")
				}
				flags |= strEscaped
				i += n
			}
		}
		shift, ok := s.fill()
		if !ok {
			s.pos = len(s.buf)
			return nil, 0, s.endErr()
		}
		start -= shift
		i -= shift
	}
}

// strText reads a string like str and returns its text (see appendText) in the same pass:
// the content itself when it needs no change, else the text decoded into dst's memory. The
// text is valid until the next read, or until dst is used again.
func (s *kqlScanner) strText(dst []byte) (text, buf []byte, err error) {
	own := s.mark < 0
	if own {
		s.mark = s.pos
	}
	start := s.pos + 1
	i := start
	out := dst[:0]
	// mode 0: the content is the text so far; 1: out holds the text of the content so far;
	// 2: the text is made by appendText at the end (invalid UTF-8 or a surrogate escape).
	mode, high := 0, false
	for {
		b := s.buf
	scan:
		for i < len(b) {
			run := i
			i = plainEnd(b, i)
			if mode == 1 {
				if k := i - run; k <= 8 && run+8 <= len(b) && cap(out)-len(out) >= 8 {
					// A short run: one 8-byte store instead of a call to memmove.
					binary.LittleEndian.PutUint64(out[len(out):len(out)+8], binary.LittleEndian.Uint64(b[run:]))
					out = out[:len(out)+k]
				} else {
					out = append(out, b[run:i]...)
				}
			}
			if i == len(b) {
				break
			}
			c := b[i]
			switch strByte[c] {
			case 3:
				high = true
				if mode == 1 {
					mode = 2
				}
				i++
				continue
			case 2:
				s.pos = i
				return nil, out, s.syntaxErr("invalid control character " + quoteChar(c) + " within string")
			}
			if c == '"' {
				content := b[start:i:i]
				s.pos = i + 1
				if own {
					s.mark = -1
				}
				switch {
				case mode == 1:
					return out, out, nil
				case mode == 2 || (high && !utf8.Valid(content)):
					out = appendText(out[:0], content)
					return out, out, nil
				}
				return content, out, nil
			}
			if mode == 1 && i+1 < len(b) && (b[i+1] == '"' || b[i+1] == '\\') {
				out = append(out, b[i+1]) // the commonest escapes, inline
				i += 2
				continue
			}
			n := escapeLen(b[i:])
			if n == 0 {
				break scan // the escape sequence goes on in the input still to read
			}
			if n < 0 {
				s.pos = i
				return nil, out, s.syntaxErr("invalid escape sequence " + quoteShort(string(b[i:min(len(b), i+6)])) + " within string")
			}
			if mode == 0 {
				mode = 2
				if !high {
					mode, out = 1, append(out[:0], b[start:i]...)
				}
			}
			if mode == 1 {
				if e := b[i+1]; e != 'u' {
					out = append(out, unescaped[e])
				} else if r := hex4(b[i+2:]); !utf16IsSurrogate(r) {
					out = utf8.AppendRune(out, r)
				} else {
					mode = 2
				}
			}
			i += n
		}
		shift, ok := s.fill()
		if !ok {
			s.pos = len(s.buf)
			return nil, out, s.endErr()
		}
		start -= shift
		i -= shift
	}
}

// unescaped maps the letter of a one-letter escape sequence to its byte.
var unescaped = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// peek is next for the common case of a value right at the current position.
func (s *kqlScanner) peek() int {
	if s.pos < len(s.buf) {
		if c := s.buf[s.pos]; c > ' ' {
			return int(c)
		}
	}
	return s.next()
}

// escapeLen returns the length of the escape sequence at the start of b (b[0] is '\\'):
// 0 when b ends before it does, -1 when it is invalid.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return 2
	case 'u':
		for i := 2; i < 6; i++ {
			if i >= len(b) {
				return 0
			}
			if hexVal(b[i]) < 0 {
				return -1
			}
		}
		return 6
	}
	return -1
}

func hexVal(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// numByte marks the bytes that may be part of a JSON number.
var numByte = func() (t [256]bool) {
	for _, c := range "0123456789+-.eE" {
		t[c] = true
	}
	return t
}()

// num reads a number (the next byte is '-' or a digit) and returns its text.
func (s *kqlScanner) num() ([]byte, error) {
	own := s.mark < 0
	if own {
		s.mark = s.pos
	}
	start, i := s.pos, s.pos
	for {
		for i < len(s.buf) && numByte[s.buf[i]] {
			i++
		}
		if i < len(s.buf) {
			break
		}
		shift, ok := s.fill()
		start -= shift
		i -= shift
		if !ok {
			if s.err != io.EOF {
				return nil, s.err
			}
			break
		}
	}
	lit := s.buf[start:i:i]
	if own {
		s.mark = -1
	}
	if n := numberLen(lit); n != len(lit) {
		s.pos = start + n
		if n == 0 {
			return nil, s.syntaxErr("invalid character " + quoteChar(lit[0]) + " at start of value")
		}
		if n < 0 {
			s.pos = i
			if i == len(s.buf) {
				return nil, s.endErr()
			}
			return nil, s.syntaxErr("invalid character " + quoteChar(s.buf[i]) + " in number (expecting digit)")
		}
		return nil, s.syntaxErr("invalid character " + quoteChar(lit[n]) + " after number")
	}
	s.pos = i
	return lit, nil
}

// numberLen returns the length of the JSON number at the start of b: 0 when b does not
// start with one, -1 when b ends inside one ("-", "1.", "1e+").
func numberLen(b []byte) int {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i == len(b) {
		return -1
	}
	switch {
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	default:
		return 0
	}
	if i < len(b) && b[i] == '.' {
		dot := i
		i++
		if i == len(b) {
			return -1
		}
		if b[i] < '0' || b[i] > '9' {
			return dot // "1." is not a number: the '.' is where it goes wrong
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		e := i
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i == len(b) {
			return -1
		}
		if b[i] < '0' || b[i] > '9' {
			return e
		}
		for ; i < len(b) && '0' <= b[i] && b[i] <= '9'; i++ {
		}
	}
	return i
}

// literal reads true, false or null (the next byte is its first letter).
func (s *kqlScanner) literal() (byte, error) {
	var want string
	var k byte
	switch s.buf[s.pos] {
	case 't':
		want, k = "true", kindTrue
	case 'f':
		want, k = "false", kindFalse
	default:
		want, k = "null", kindNull
	}
	for len(s.buf)-s.pos < len(want) {
		if _, ok := s.fill(); !ok {
			break
		}
	}
	got := s.buf[s.pos:min(len(s.buf), s.pos+len(want))]
	for i := range got {
		if got[i] != want[i] {
			s.pos += i
			return 0, s.syntaxErr("invalid character " + quoteChar(got[i]) + " within literal " + want + " (expecting " + quoteChar(want[i]) + ")")
		}
	}
	if len(got) < len(want) {
		s.pos += len(got)
		return 0, s.endErr()
	}
	s.pos += len(want)
	return k, nil
}

// member reads an object member's name and the colon after it.
func (s *kqlScanner) member() error {
	if c := s.next(); c != '"' {
		return s.invalidChar(c, "at start of string (expecting '\"')")
	}
	if _, _, err := s.str(); err != nil {
		return err
	}
	return s.consume(':', "after object name (expecting ':')")
}

// skip reads one value of any kind, validating it, where depth containers are open around
// it. A value nested deeper than maxDepth in all is an error.
func (s *kqlScanner) skip(depth int) error {
	s.stack = s.stack[:0]
	for {
		// A value.
		c := s.next()
		switch {
		case c == '{' || c == '[':
			s.pos++
			if len(s.stack)+depth+1 > maxDepth {
				s.pos--
				return s.syntaxErr(errMaxDepth.Error())
			}
			s.stack = append(s.stack, byte(c))
			e := s.next()
			if e == c+2 { // '{'+2 == '}', '['+2 == ']'
				s.pos++
				s.stack = s.stack[:len(s.stack)-1]
				break
			}
			if c == '{' {
				if err := s.member(); err != nil {
					return err
				}
			}
			continue
		case c == '"':
			if _, _, err := s.str(); err != nil {
				return err
			}
		case c == '-' || ('0' <= c && c <= '9'):
			if _, err := s.num(); err != nil {
				return err
			}
		case c == 't' || c == 'f' || c == 'n':
			if _, err := s.literal(); err != nil {
				return err
			}
		default:
			return s.invalidChar(c, "at start of value")
		}
		// After a value: close containers, or go on to the next element.
		for {
			if len(s.stack) == 0 {
				return nil
			}
			top := s.stack[len(s.stack)-1]
			c := s.next()
			if c == ',' {
				s.pos++
				if top == '{' {
					if err := s.member(); err != nil {
						return err
					}
				}
				break
			}
			if c != int(top)+2 {
				if top == '{' {
					return s.invalidChar(c, "after object value (expecting ',' or '}')")
				}
				return s.invalidChar(c, "after array element (expecting ',' or ']')")
			}
			s.pos++
			s.stack = s.stack[:len(s.stack)-1]
		}
	}
}

// capture reads one value like skip (with the depth limit) and returns its JSON text.
func (s *kqlScanner) capture(depth int) ([]byte, error) {
	s.next()
	s.mark = s.pos
	err := s.skip(depth)
	raw := s.buf[s.mark:s.pos:s.pos]
	s.mark = -1
	return raw, err
}

// jsonDepth reports whether text is one JSON value (with white space around it), as
// jsontext would accept it with AllowInvalidUTF8 and AllowDuplicateNames, and how deeply it
// nests. It is the validator of the JSON that dynamic values hold in strings: one loop over
// bytes in memory, with v's stack as the stack of open containers.
func (v *kqlScanner) jsonDepth(text []byte) (ok bool, depth int) {
	stack := v.stack[:0]
	defer func() { v.stack = stack[:0] }()
	i, n := skipWS(text, 0), len(text)
	for {
		// A value at i (after white space).
		if i >= n {
			return false, 0
		}
		switch c := text[i]; c {
		case '{', '[':
			stack = append(stack, c)
			depth = max(depth, len(stack))
			i = skipWS(text, i+1)
			if i < n && text[i] == c+2 {
				stack = stack[:len(stack)-1]
				i++
				break
			}
			if c == '{' {
				if i = memberName(text, i); i < 0 {
					return false, 0
				}
			}
			continue
		case '"':
			if i = stringEnd(text, i+1); i < 0 {
				return false, 0
			}
		case 't':
			if !hasLiteral(text, i, "true") {
				return false, 0
			}
			i += 4
		case 'f':
			if !hasLiteral(text, i, "false") {
				return false, 0
			}
			i += 5
		case 'n':
			if !hasLiteral(text, i, "null") {
				return false, 0
			}
			i += 4
		default:
			if c != '-' && (c < '0' || c > '9') {
				return false, 0
			}
			l := numberLen(text[i:])
			if l <= 0 {
				return false, 0
			}
			i += l
		}
		// After a value: close containers, or go on to the next element.
		for {
			i = skipWS(text, i)
			if len(stack) == 0 {
				return i == n, depth
			}
			if i == n {
				return false, 0
			}
			top := stack[len(stack)-1]
			if text[i] == ',' {
				i = skipWS(text, i+1)
				if top == '{' {
					if i = memberName(text, i); i < 0 {
						return false, 0
					}
				}
				break
			}
			if text[i] != top+2 {
				return false, 0
			}
			stack = stack[:len(stack)-1]
			i++
		}
	}
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

func hasLiteral(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// memberName reads an object member's name at i (after white space) and the colon after it,
// and returns the index after the white space that follows, or -1.
func memberName(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	if i = stringEnd(b, i+1); i < 0 {
		return -1
	}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != ':' {
		return -1
	}
	return skipWS(b, i+1)
}

// stringEnd returns the index after the closing quote of the string whose content starts
// at i, or -1 when it is not a valid string.
func stringEnd(b []byte, i int) int {
	for i < len(b) {
		switch strByte[b[i]] {
		case 0, 3:
			i++
		case 2:
			return -1
		default:
			if b[i] == '"' {
				return i + 1
			}
			e := escapeLen(b[i:])
			if e <= 0 {
				return -1
			}
			i += e
		}
	}
	return -1
}

// appendText appends the text of a JSON string's content c (as str returns it) to dst:
// escape sequences decoded, and each byte that is not part of valid UTF-8, like each escaped
// surrogate that is not part of a pair, replaced by U+FFFD. It is the one place where the
// decoder applies the UTF-8 rule of Value.String.
func appendText(dst, c []byte) []byte {
	for i := 0; i < len(c); {
		b := c[i]
		switch {
		case b < utf8.RuneSelf && b != '\\':
			dst = append(dst, b)
			i++
		case b >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(c[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, c[i:i+size]...)
			}
			i += size
		default: // an escape sequence, validated by str
			e := c[i+1]
			i += 2
			switch e {
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r := hex4(c[i:])
				i += 4
				if utf16IsSurrogate(r) {
					r2 := rune(-1)
					if r < 0xdc00 && i+6 <= len(c) && c[i] == '\\' && c[i+1] == 'u' {
						r2 = hex4(c[i+2:])
					}
					if r < 0xdc00 && 0xdc00 <= r2 && r2 <= 0xdfff {
						r = (r-0xd800)<<10 | (r2 - 0xdc00) + 0x10000
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				dst = utf8.AppendRune(dst, r)
			default: // '"', '\\', '/'
				dst = append(dst, e)
			}
		}
	}
	return dst
}

func hex4(b []byte) rune {
	return rune(hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3]))
}

func utf16IsSurrogate(r rune) bool { return 0xd800 <= r && r <= 0xdfff }

// sanitizeJSON returns raw JSON text (an object or array) with every byte that is not part
// of valid UTF-8 replaced by U+FFFD, appended to dst when it needs a change; otherwise raw.
func sanitizeJSON(dst, raw []byte) []byte {
	if utf8.Valid(raw) {
		return raw
	}
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, raw[i:i+size]...)
		}
		i += size
	}
	return dst
}
