// Command go-oracle answers questions about the Go code the kubelet runs, so
// test/rules/go-differential.test.ts can compare the TypeScript ports with
// the real thing. It is built by test/support/go-oracle.ts with
// GO111MODULE=off and GOPATH=/usr/share/gocode (Debian's packaged Go
// sources: golang-github-docker-distribution-dev, which brings
// golang-github-opencontainers-go-digest-dev).
//
// Protocol: one JSON object per line on stdin, one JSON answer per line on
// stdout, in the same order. Every request has "op"; the other fields depend
// on it:
//
//	{"op":"version"}                        -> {"version":"go1.19.8"}
//	{"op":"ref","in":S}                     -> reference.ParseNormalizedNamed(S)
//	{"op":"digest","in":S}                  -> digest.Parse(S) (go-digest Validate)
//	{"op":"url","in":S}                     -> url.Parse(S): Host, Path, and the strict-host verdict
//	{"op":"split","in":S}                   -> net.SplitHostPort(S) with keyring.go's whole-host fallback
//	{"op":"match","pattern":P,"name":N}     -> path.Match(P, N)
//	{"op":"cmp","a":A,"b":B}                -> strings.Compare(A, B) (the order sort.Strings uses)
//	{"op":"sort","list":[...]}              -> sort.Strings(list)
//	{"op":"keyring","keys":[...],"image":I} -> keyring.go Add(keys in order) + Lookup(I)
//
// Strings whose bytes may not be valid UTF-8 (url Host/Path) are also
// returned hex-encoded, since encoding/json would replace each invalid byte
// with U+FFFD.
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"

	// The kubelet links both, so go-digest offers sha256, sha384 and sha512.
	_ "crypto/sha256"
	_ "crypto/sha512"

	"github.com/docker/distribution/reference"
	digest "github.com/opencontainers/go-digest"
)

type request struct {
	Op      string   `json:"op"`
	In      string   `json:"in"`
	Pattern string   `json:"pattern"`
	Name    string   `json:"name"`
	A       string   `json:"a"`
	B       string   `json:"b"`
	List    []string `json:"list"`
	Keys    []string `json:"keys"`
	Image   string   `json:"image"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintf(os.Stderr, "bad request %q: %v\n", in.Text(), err)
			os.Exit(2)
		}
		answer, err := handle(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		if err := enc.Encode(answer); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func handle(req request) (interface{}, error) {
	switch req.Op {
	case "version":
		return map[string]string{"version": runtime.Version()}, nil
	case "ref":
		return parseRef(req.In), nil
	case "digest":
		if _, err := digest.Parse(req.In); err != nil {
			return map[string]interface{}{"ok": false, "err": err.Error()}, nil
		}
		return map[string]interface{}{"ok": true}, nil
	case "url":
		return parseURL(req.In), nil
	case "split":
		host, port, err := net.SplitHostPort(req.In)
		if err != nil {
			host, port = req.In, ""
		}
		return map[string]interface{}{"host": host, "port": port, "fellBack": err != nil}, nil
	case "match":
		matched, err := path.Match(req.Pattern, req.Name)
		return map[string]interface{}{"matched": matched, "bad": errors.Is(err, path.ErrBadPattern)}, nil
	case "cmp":
		return map[string]int{"c": strings.Compare(req.A, req.B)}, nil
	case "sort":
		list := append([]string(nil), req.List...)
		sort.Strings(list)
		return map[string][]string{"list": list}, nil
	case "keyring":
		return map[string][]string{
			"raw":    lookup(req.Keys, req.Image, url.Parse),
			"strict": lookup(req.Keys, req.Image, strictParse),
		}, nil
	}
	return nil, fmt.Errorf("unknown op %q", req.Op)
}

// --- distribution/reference ---

type refAnswer struct {
	OK     bool   `json:"ok"`
	Err    string `json:"err,omitempty"`
	Name   string `json:"name,omitempty"`
	Domain string `json:"domain,omitempty"`
	Path   string `json:"path,omitempty"`
	Tag    string `json:"tag,omitempty"`
	Digest string `json:"digest,omitempty"`
	HasTag bool   `json:"hasTag"`
	HasDig bool   `json:"hasDigest"`
}

func parseRef(s string) refAnswer {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return refAnswer{Err: err.Error()}
	}
	a := refAnswer{OK: true, Name: named.Name(), Domain: reference.Domain(named), Path: reference.Path(named)}
	if t, ok := named.(reference.Tagged); ok {
		a.HasTag, a.Tag = true, t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		a.HasDig, a.Digest = true, d.Digest().String()
	}
	return a
}

// --- net/url ---

type urlAnswer struct {
	OK      bool   `json:"ok"`
	Err     string `json:"err,omitempty"`
	HostHex string `json:"hostHex"`
	PathHex string `json:"pathHex"`
	// Strict is why current Go (see strictHostProblem) rejects the URL
	// although this Go accepted it; empty when they agree.
	Strict string `json:"strict,omitempty"`
}

func parseURL(s string) urlAnswer {
	u, err := url.Parse(s)
	if err != nil {
		return urlAnswer{Err: err.Error()}
	}
	return urlAnswer{
		OK:      true,
		HostHex: hex.EncodeToString([]byte(u.Host)),
		PathHex: hex.EncodeToString([]byte(u.Path)),
		Strict:  strictHostProblem(s, u),
	}
}

// strictHostProblem applies, to a URL this Go's url.Parse accepted, the host
// checks that newer Go releases added to url.parseHost, and names the one
// that rejects it ("" when none does). Current Go's parseHost begins:
//
//		if openBracketIdx := strings.LastIndex(host, "["); openBracketIdx > 0 {
//			return "", errors.New("invalid IP-literal")
//		} else if openBracketIdx == 0 {
//			... netip.ParseAddr(unescaped hostname); IPv4 is "invalid IP-literal"
//		} else if i := strings.Index(host, ":"); i != -1 { /* strict colons */ }
//
//	  - "bracket-ipv6": Go 1.24.8/1.25.2 (CVE-2025-47912): what is in brackets
//	    must be an IPv6 address (netip.ParseAddr, and not IPv4).
//	  - "bracket-not-first": Go 1.25.8/1.26.1 (CVE-2026-25679,
//	    golang/go#77578): a '[' anywhere but at the host's first byte is
//	    "invalid IP-literal". (From 1.24.8/1.25.2 on, such hosts were already
//	    parsed as IP-literals from their last '[', so only "x[::1]"-like
//	    hosts were still accepted, as "[::1]".)
//	  - "colons": Go 1.26 (GODEBUG urlstrictcolons=1, http and https): the
//	    first colon outside brackets starts the port, so a second one fails.
//	  - "netip-group-digits": the bracket check stands on netip.ParseAddr,
//	    which since golang/go#57760 (by Go 1.22) rejects an IPv6 group of more
//	    than 4 hex digits ("::00001"); this Go's netip may still accept it.
//
// The host is taken from the raw string, as url.Parse splits it (fragment,
// query, "//", first "/", last "@"): Go 1.25.2-1.26.0 dropped the bytes
// before a '[' from URL.Host.
func strictHostProblem(raw string, u *url.URL) string {
	rest, _, _ := strings.Cut(raw, "#")
	rest, _, _ = strings.Cut(rest, "?")
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	authority, _, _ := strings.Cut(rest, "/")
	host := authority[strings.LastIndex(authority, "@")+1:]
	if open := strings.LastIndex(host, "["); open > 0 {
		return "bracket-not-first"
	} else if open == 0 {
		// u.Host is "[" + unescaped address + "]" + port; the port is digits.
		inner := u.Host[1:strings.LastIndex(u.Host, "]")]
		addr, err := netip.ParseAddr(inner)
		if err != nil || addr.Is4() {
			return "bracket-ipv6"
		}
		address, _, _ := strings.Cut(inner, "%")
		if longHexGroup.MatchString(address) {
			return "netip-group-digits"
		}
		return ""
	}
	if strings.Count(host, ":") > 1 {
		return "colons"
	}
	return ""
}

// strictParse is url.Parse with the checks of strictHostProblem, i.e. the
// url.Parse of current Go as far as the keyring can tell.
func strictParse(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if problem := strictHostProblem(s, u); problem != "" {
		return nil, fmt.Errorf("rejected by current Go: %s", problem)
	}
	return u, nil
}

// --- pkg/credentialprovider/keyring.go, transcribed onto this Go's stdlib ---
//
// BasicDockerKeyring.Add, Lookup, URLsMatch, splitURL and
// isDefaultRegistryMatch as in Kubernetes 1.2x/1.3x. The credential stored
// under each normalised key is the auths key itself, so Lookup's answer is
// the list of keys it would use. Keys are added in the order given, as
// one-entry docker configs (the kubelet ranges over a Go map inside one
// config, so only across configs is the order defined).

var longHexGroup = regexp.MustCompile(`[0-9A-Fa-f]{5}`)

type parseFunc func(string) (*url.URL, error)

const defaultRegistryHost = "index.docker.io"

func lookup(keys []string, image string, parse parseFunc) []string {
	index := []string{}
	creds := map[string][]string{}
	for _, loc := range keys {
		value := loc
		if !strings.HasPrefix(value, "https://") && !strings.HasPrefix(value, "http://") {
			value = "https://" + value
		}
		parsed, err := parse(value)
		if err != nil {
			continue
		}
		effectivePath := parsed.Path
		if strings.HasPrefix(effectivePath, "/v2/") || strings.HasPrefix(effectivePath, "/v1/") {
			effectivePath = effectivePath[3:]
		}
		var key string
		if (len(effectivePath) > 0) && (effectivePath != "/") {
			key = parsed.Host + effectivePath
		} else {
			key = parsed.Host
		}
		creds[key] = append(creds[key], loc)
		index = append(index, key)
	}
	// sets.NewString(index...).List(), then reverse-sorted.
	seen := map[string]bool{}
	unique := []string{}
	for _, k := range index {
		if !seen[k] {
			seen[k] = true
			unique = append(unique, k)
		}
	}
	sort.Strings(unique)
	sort.Sort(sort.Reverse(sort.StringSlice(unique)))

	ret := []string{}
	for _, k := range unique {
		if matched, _ := urlsMatchStr(parse, k, image); matched {
			ret = append(ret, creds[k]...)
		}
	}
	if len(ret) > 0 {
		return ret
	}
	if isDefaultRegistryMatch(image) {
		if auth, ok := creds[defaultRegistryHost]; ok {
			return auth
		}
	}
	return []string{}
}

func isDefaultRegistryMatch(image string) bool {
	parts := strings.SplitN(image, "/", 2)
	if len(parts[0]) == 0 {
		return false
	}
	if len(parts) == 1 {
		return true
	}
	if parts[0] == "docker.io" || parts[0] == "index.docker.io" {
		return true
	}
	return !strings.ContainsAny(parts[0], ".:")
}

func parseSchemelessURL(parse parseFunc, schemelessURL string) (*url.URL, error) {
	parsed, err := parse("https://" + schemelessURL)
	if err != nil {
		return nil, err
	}
	parsed.Scheme = ""
	return parsed, nil
}

func splitURL(u *url.URL) (parts []string, port string) {
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, ""
	}
	return strings.Split(host, "."), port
}

func urlsMatchStr(parse parseFunc, glob string, target string) (bool, error) {
	globURL, err := parseSchemelessURL(parse, glob)
	if err != nil {
		return false, err
	}
	targetURL, err := parseSchemelessURL(parse, target)
	if err != nil {
		return false, err
	}
	return urlsMatch(globURL, targetURL)
}

func urlsMatch(globURL *url.URL, targetURL *url.URL) (bool, error) {
	globURLParts, globPort := splitURL(globURL)
	targetURLParts, targetPort := splitURL(targetURL)
	if globPort != targetPort {
		return false, nil
	}
	if len(globURLParts) != len(targetURLParts) {
		return false, nil
	}
	if !strings.HasPrefix(targetURL.Path, globURL.Path) {
		return false, nil
	}
	for k, globURLPart := range globURLParts {
		targetURLPart := targetURLParts[k]
		matched, err := filepath.Match(globURLPart, targetURLPart)
		if err != nil {
			return false, err
		}
		if !matched {
			return false, nil
		}
	}
	return true, nil
}
