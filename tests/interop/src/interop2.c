/* interop2.dll: the target of interop.dll's forwarder fwd_twice. */
int twice(int x) { return 2 * x; }
