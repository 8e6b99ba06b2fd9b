// Package assets holds the files compiled into both programs: the CJK fonts
// and the app icon.
package assets

import _ "embed"

// MainFont is WenQuanYi Micro Hei (Apache-2.0), face 0 of Debian's
// wqy-microhei.ttc extracted by tools/ttcextract. It has CJK, Latin and digits.
//
//go:embed fonts/wqy-microhei.ttf
var MainFont []byte

// FallbackFont is Droid Sans Fallback (Apache-2.0). It draws the CJK
// Extension A characters (e.g. 㛃, 䶮) MainFont lacks; it has no Latin digits,
// so it is only ever a per-character fallback.
//
//go:embed fonts/droid-sans-fallback.ttf
var FallbackFont []byte

// Icon is the application icon named by FyneApp.toml.
//
//go:embed Icon.png
var Icon []byte
