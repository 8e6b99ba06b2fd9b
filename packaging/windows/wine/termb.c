/*
 * termb.dll stub: the identity-card readers' SDK (CVR_InitComm,
 * CVR_Authenticate, CVR_Read_Content, GetPeople…), used only by
 * scripts/wine-peripherals to run the workstation's reader helper under Wine
 * without a reader. It "reads" one test card, 陈晓明 11010519491231002X
 * (GB 11643's example number), valid from 2016-05-01 for 长期, its text in
 * GBK as real readers give it. With TERMB_STUB=nocard in the environment the
 * reader has no card on it. Never shipped: a counter uses its vendor's DLL.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -s -o termb.dll termb.c termb.def
 */
#include <windows.h>
#include <string.h>
#include <stdlib.h>

static int opened;

static int put(char *buf, int *len, const char *s, int n)
{
	memcpy(buf, s, n);
	buf[n] = 0;
	*len = n;
	return 1;
}

int __stdcall CVR_InitComm(int port) { opened = port >= 1001 && port <= 1016; return opened ? 1 : 2; }
int __stdcall CVR_CloseComm(void) { opened = 0; return 1; }

int __stdcall CVR_Authenticate(void)
{
	const char *stub = getenv("TERMB_STUB");
	if (!opened)
		return 0;
	return stub && strcmp(stub, "nocard") == 0 ? 2 : 1;
}

int __stdcall CVR_Read_Content(int active) { return opened ? 1 : 0; }

int __stdcall GetPeopleName(char *buf, int *len) { return put(buf, len, "\xb3\xc2\xcf\xfe\xc3\xf7", 6); } /* 陈晓明 */
int __stdcall GetPeopleIDCode(char *buf, int *len) { return put(buf, len, "11010519491231002X", 18); }
int __stdcall GetPeopleBirthday(char *buf, int *len) { return put(buf, len, "19491231", 8); }
int __stdcall GetStartDate(char *buf, int *len) { return put(buf, len, "20160501", 8); }
int __stdcall GetEndDate(char *buf, int *len) { return put(buf, len, "\xb3\xa4\xc6\xda", 4); } /* 长期 */
