/*
 * bcryptprimitives.dll stub for Wine 8.0 (Debian 12), used only by
 * scripts/wine-smoke. Go 1.22+ seeds its runtime from ProcessPrng, exported by
 * Windows 10+'s bcryptprimitives.dll; Wine added that DLL in 9.x, so under
 * Debian 12's Wine a Go program dies before main. This stub forwards to
 * BCryptGenRandom, which Wine 8 has. Never shipped: real Windows has the DLL.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o bcryptprimitives.dll \
 *       bcryptprimitives.c bcryptprimitives.def -lbcrypt
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE; /* the real one never fails */
}
