// Package portal holds the rules of the citizens' public portal (cổng công dân) that are
// not the dossier engine's own: which reference and which second factor open a look-up,
// what an uploaded file must be to be accepted, the national satisfaction scale and its
// rate, and the periods of the public statistics (whose figures come from the report
// package's rollups). Types and rules only: the store persists them and the web layer
// shows them.
package portal
