// Package e2e holds the browser tests: the real server (the same handler stack motcua
// serve runs) on a loopback port with a fresh demo database, driven through Debian's
// Chromium with chromedp, the way officials and citizens use it, at phone and desktop
// widths. See e2e_test.go.
package e2e
