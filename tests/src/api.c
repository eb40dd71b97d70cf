/* api.c - a C library interface of every kind a DLL exports. */
#ifdef _WIN32
#define API __declspec(dllexport)
#endif

API int add(int a, int b) { return a + b; }
API int __stdcall sfunc(int a, int b) { return a - b; }
API int __fastcall ffunc(int a, int b) { return a * b; }
API int __cdecl cfunc(const char *s) { return s ? s[0] : 0; }
API int counter = 5;
API extern const int table[3];
const int table[3] = { 1, 2, 3 };
API const char *api_name(void) { return "api"; }
API double scale(double x) { return x * 2.5; }

static int helper(int x) { return x * 3; }
int internal_only(int x) { return helper(x); } /* external, not dllexport */
