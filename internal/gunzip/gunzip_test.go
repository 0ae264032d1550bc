package gunzip

import (
	"bytes"
	stdgzip "compress/gzip"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// gz compresses data with the standard library at level.
func gz(t testing.TB, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := stdgzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// decode reads all of stream with this package, in reads of size step
// (0: 64 KiB).
func decode(stream []byte, step int) ([]byte, error) {
	if step == 0 {
		step = 64 << 10
	}
	z, err := NewReader(bytes.NewReader(stream))
	if err != nil {
		return nil, err
	}
	var out []byte
	buf := make([]byte, step)
	for {
		n, err := z.Read(buf)
		out = append(out, buf[:n]...)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// stdDecode reads all of stream with compress/gzip.
func stdDecode(stream []byte) ([]byte, error) {
	z, err := stdgzip.NewReader(bytes.NewReader(stream))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

// samples are inputs of every kind of compressibility: empty, one byte,
// runs (distance 1), short periods (distances 2–7), text, flow-log-like
// lines, random bytes (stored and Huffman-only blocks), and a mix past
// the 1 MiB window and the 32 KiB history.
func samples() map[string][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	var lines strings.Builder
	for i := range 40000 {
		fmt.Fprintf(&lines, "2 123456789010 eni-%017x 10.0.%d.%d 10.1.%d.5 %d 443 6 %d %d 1700000000 1700000060 ACCEPT OK\n",
			rng.IntN(3000), rng.IntN(256), rng.IntN(256), i%7, 32768+rng.IntN(28000), rng.IntN(100), rng.IntN(100000))
	}
	var mix []byte
	for i := 0; len(mix) < 3<<20; i++ {
		switch i % 4 {
		case 0:
			mix = append(mix, random(rng.IntN(5000))...)
		case 1:
			mix = append(mix, bytes.Repeat([]byte{byte(i)}, rng.IntN(3000))...)
		case 2:
			mix = append(mix, lines.String()[rng.IntN(1<<20):][:rng.IntN(70000)]...)
		default:
			mix = append(mix, bytes.Repeat([]byte("abcdefg"[:2+i%6]), rng.IntN(2000))...)
		}
	}
	return map[string][]byte{
		"empty":   nil,
		"one":     {'x'},
		"run":     bytes.Repeat([]byte{'a'}, 100000),
		"period3": bytes.Repeat([]byte("abc"), 50000),
		"period7": bytes.Repeat([]byte("abcdefg"), 50000),
		"text":    []byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 3000)),
		"lines":   []byte(lines.String()),
		"random":  random(300000),
		"mix":     mix,
	}
}

// TestRoundTrip: what compress/gzip writes at every level (stored,
// Huffman-only, fixed and dynamic blocks) and what klauspost/compress
// writes, read back whole, in reads of several sizes.
func TestRoundTrip(t *testing.T) {
	for name, data := range samples() {
		for _, level := range []int{stdgzip.NoCompression, stdgzip.HuffmanOnly, stdgzip.BestSpeed, 5, stdgzip.BestCompression} {
			stream := gz(t, data, level)
			for _, step := range []int{0, 1, 4093} {
				if step == 1 && len(data) > 200000 {
					continue
				}
				got, err := decode(stream, step)
				if err != nil {
					t.Fatalf("%s, level %d, reads of %d: %v", name, level, step, err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("%s, level %d, reads of %d: %d bytes differ from the %d written", name, level, step, len(got), len(data))
				}
			}
		}
		var b bytes.Buffer
		w, _ := kgzip.NewWriterLevel(&b, kgzip.BestSpeed)
		w.Write(data)
		w.Close()
		if got, err := decode(b.Bytes(), 0); err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%s, klauspost/compress: %v, equal %v", name, err, bytes.Equal(got, data))
		}
	}
}

// TestMembersAndHeaders: concatenated members read as one stream, and
// every optional header field (extra, name, comment, header CRC).
func TestMembersAndHeaders(t *testing.T) {
	var b bytes.Buffer
	var want []byte
	for i, part := range []string{"first member\n", "", "third, with a name and a comment\n"} {
		w := stdgzip.NewWriter(&b)
		if i == 2 {
			w.Name, w.Comment, w.Extra = "flows.log", "a comment", []byte("xx\x02\x00ab")
		}
		w.Write([]byte(part))
		w.Close()
		want = append(want, part...)
	}
	got, err := decode(b.Bytes(), 0)
	if err != nil || string(got) != string(want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
	// FHCRC (the standard library never writes it): the low 16 bits of
	// the header's CRC-32, checked.
	h := gz(t, []byte("hello\n"), 6)
	withCRC := append([]byte{}, h[:10]...)
	withCRC[3] |= 2
	sum := crc32.ChecksumIEEE(withCRC)
	withCRC = append(withCRC, byte(sum), byte(sum>>8))
	withCRC = append(withCRC, h[10:]...)
	if got, err := decode(withCRC, 0); err != nil || string(got) != "hello\n" {
		t.Fatalf("with FHCRC: %q, %v", got, err)
	}
	withCRC[10] ^= 1
	if _, err := decode(withCRC, 0); !errors.Is(err, ErrHeader) {
		t.Fatalf("with a wrong FHCRC: %v, want %v", err, ErrHeader)
	}
}

// incompleteCode is a gzip stream whose dynamic block's literal/length
// code has only 'a' and end-of-block (two 2-bit codes of four): it spells
// "aaaaa" with a right CRC, and compress/flate and zlib refuse it.
var incompleteCode = []byte{0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff, 0x05, 0xe0, 0x81, 0x08, 0, 0, 0, 0x80, 0x00, 0xb0, 0xee, 0x2f, 0x71, 0x00, 0x08, 0xb9, 0x93, 0xac, 0xee, 0x05, 0, 0, 0}

// TestRefusedAsZlib: what zlib and compress/gzip refuse is refused, with
// ErrData or ErrHeader: an incomplete Huffman code, reserved header
// flags (which compress/gzip alone accepts; klauspost/compress and
// gzip(1) refuse them, RFC 1952 says they must be zero).
func TestRefusedAsZlib(t *testing.T) {
	if _, err := stdDecode(incompleteCode); err == nil {
		t.Fatal("compress/gzip reads the incomplete code: the test input is wrong")
	}
	if got, err := decode(incompleteCode, 0); !errors.Is(err, ErrData) {
		t.Errorf("incomplete code: %q, %v; want %v", got, err, ErrData)
	}
	reserved := gz(t, []byte("hello\n"), 6)
	reserved[3] |= 0x20
	if _, err := decode(reserved, 0); !errors.Is(err, ErrHeader) {
		t.Errorf("reserved flag: %v, want %v", err, ErrHeader)
	}
}

// TestNoProgress: a source that returns nothing and no error, again and
// again, ends in io.ErrNoProgress instead of a read that never returns.
func TestNoProgress(t *testing.T) {
	stream := gz(t, samples()["lines"], 6)
	z, err := NewReader(io.MultiReader(bytes.NewReader(stream[:20]), zeroReader{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(z); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("error %v, want %v", err, io.ErrNoProgress)
	}
}

type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// TestDamaged: every truncation of a stream ends in an error (never in
// fewer bytes read as all), and a stream with a flipped byte in its data
// or trailer ends in an error or, where the flip does not change the
// data, in the right bytes; garbage after a member is an error, as in
// compress/gzip.
func TestDamaged(t *testing.T) {
	data := samples()["mix"][:200000]
	stream := gz(t, data, 6)
	for cut := 0; cut < len(stream); cut += 1 + cut/50 {
		got, err := decode(stream[:cut], 0)
		if err == nil {
			t.Fatalf("cut at %d of %d: no error (%d bytes)", cut, len(stream), len(got))
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		d := bytes.Clone(stream)
		i := 10 + rng.IntN(len(d)-10)
		d[i] ^= byte(1 + rng.IntN(255))
		got, err := decode(d, 0)
		if err == nil && !bytes.Equal(got, data) {
			t.Fatalf("byte %d flipped: %d bytes read without error, not the data", i, len(got))
		}
	}
	for _, tail := range []string{"x", "\x1f\x8b", strings.Repeat("\x00", 20)} {
		if _, err := decode(append(bytes.Clone(stream), tail...), 0); err == nil {
			t.Errorf("tail %q: no error", tail)
		}
	}
	if _, err := NewReader(strings.NewReader("PAR1 not gzip")); !errors.Is(err, ErrHeader) {
		t.Errorf("not gzip: %v", err)
	}
	if _, err := NewReader(strings.NewReader("")); err != io.EOF {
		t.Errorf("empty input: %v, want io.EOF", err)
	}
}

// TestSourceError: an error of the source ends the stream with that error.
func TestSourceError(t *testing.T) {
	stream := gz(t, samples()["lines"], 6)
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(stream[:len(stream)/2]), errReader{boom})
	z, err := NewReader(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(z); !errors.Is(err, boom) {
		t.Fatalf("error %v, want %v", err, boom)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestCorpus reads the gzip flow-log samples of the shared corpus, as
// compress/gzip reads them.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "vpc-flow-logs")
	var files []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".gz") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no .gz files under %s (the shared corpus is not beside this clone)", dir)
	}
	for _, f := range files {
		stream, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := stdDecode(stream)
		got, err := decode(stream, 0)
		if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; compress/gzip %d bytes, %v", f, len(got), err, len(want), werr)
		}
	}
}

// FuzzAgainstStdlib: on any bytes as a gzip stream, the decoder never
// panics, and whenever compress/gzip reads the stream whole, it reads the
// same bytes; and any bytes compressed (at a level the fuzzer picks) read
// back as they were. CI runs it for a bounded count (.ci/run).
func FuzzAgainstStdlib(f *testing.F) {
	for _, data := range samples() {
		if len(data) > 5000 {
			data = data[:5000]
		}
		f.Add(data, uint8(0))
		f.Add(gz(f, data, 6), uint8(1))
		f.Add(gz(f, data, stdgzip.HuffmanOnly), uint8(1))
		f.Add(gz(f, data, 0), uint8(1))
	}
	f.Add(incompleteCode, uint8(1))
	reserved := gz(f, []byte("hello\n"), 6)
	reserved[3] |= 0x20
	f.Add(reserved, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		if mode%2 == 0 {
			level := []int{stdgzip.NoCompression, stdgzip.HuffmanOnly, 1, 6, 9}[int(mode/2)%5]
			got, err := decode(gz(t, data, level), int(mode)%7*1000)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("level %d: %v, equal %v", level, err, bytes.Equal(got, data))
			}
			return
		}
		got, err := decode(data, 0)
		want, werr := stdDecode(data)
		if werr == nil && errors.Is(err, ErrHeader) {
			// compress/gzip alone ignores reserved flags (and FHCRC);
			// klauspost/compress, the other reference, must refuse too.
			if kz, kerr := kgzip.NewReader(bytes.NewReader(data)); kerr == nil {
				if _, kerr = io.ReadAll(kz); kerr == nil {
					t.Fatalf("compress/gzip and klauspost/compress read it; this fails: %v", err)
				}
			}
			return
		}
		if werr == nil && (err != nil || !bytes.Equal(got, want)) {
			t.Fatalf("compress/gzip reads %d bytes; this reads %d, %v", len(want), len(got), err)
		}
		if err == nil && werr != nil && !strings.Contains(werr.Error(), "invalid") {
			t.Fatalf("compress/gzip fails (%v), this reads %d bytes without error", werr, len(got))
		}
	})
}

// TestReset: a Reader reset onto another stream reads it as a new one
// would, after a whole stream, after a failed one, and after one left
// half read.
func TestReset(t *testing.T) {
	s := samples()
	a, b := gz(t, s["lines"], 6), gz(t, s["mix"], 1)
	z, err := NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(z); err != nil || !bytes.Equal(got, s["lines"]) {
		t.Fatalf("first stream: %v", err)
	}
	for _, prev := range [][]byte{a, a[:len(a)/2], incompleteCode} {
		z.Reset(bytes.NewReader(prev))
		io.CopyN(io.Discard, z, 1000)
		if err := z.Reset(bytes.NewReader(b)); err != nil {
			t.Fatal(err)
		}
		if got, err := io.ReadAll(z); err != nil || !bytes.Equal(got, s["mix"]) {
			t.Fatalf("after a stream of %d bytes: %v, equal %v", len(prev), err, bytes.Equal(got, s["mix"]))
		}
	}
}
