// Package sync is the wire protocol between workstations and the bureau
// server: the server's endpoints, the workstation's client, and the TLS
// pinning that lets a workstation trust a self-signed bureau certificate.
//
// Beyond DESIGN.md section 4:
//
//   - Initial sync is one snapshot. A desk that holds nothing yet (a new
//     enrollment) asks GET /api/v1/sync/snapshot and receives everything in
//     its scope as one SQLite file compressed with zstd (the layout of
//     sqlite.Store.WriteSnapshot), applies it in one transaction with the
//     cursor inside it, and pulls from there. A server that does not know
//     the endpoint answers 404 and the desk pulls page by page; so does a
//     desk that already holds data (a pull from the start after a server
//     restore). A snapshot cut short or damaged applies nothing, and the
//     next round fetches it again. The download is given up when bytes
//     stop coming (Client.Stall), not when it takes long; the server builds
//     a bounded number at once and tells a desk past its turn to come back.
//   - Bodies are compressed with zstd: the desk sends Accept-Encoding: zstd,
//     the server compresses JSON answers, and once an answer has come
//     compressed the desk compresses its request bodies too (an older
//     server never receives what it cannot read). The server's request
//     limit applies to the decompressed size.
//   - A clerk may withdraw (撤销) the last decision on an application while
//     the server has not answered it. Seqs stay contiguous: the withdrawn
//     seq is still pushed, as a refusal the desk supplies (Replay, as after
//     a server restore), so the server stores it answered and applies
//     nothing. If the command had reached the server already (its answer
//     lost), the server's stored outcome comes back instead: the desk takes
//     it, lays the decision on the application again and tells the clerk.
package sync
