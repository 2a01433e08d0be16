#!/usr/bin/perl
# Runs a command with statx(2) answering ENOSYS (x86-64), so glibc and libuv fall back to
# newfstatat, which proot translates into the image's root; proot passes statx through untouched,
# and programs would see the executor's own files instead. A seccomp filter needs no privilege
# once no_new_privs is set (as in the build container already).
use strict;
my @filter = (
  [0x20, 0, 0, 4],          # load the architecture
  [0x15, 1, 0, 0xc000003e], # x86-64? then skip the next
  [0x06, 0, 0, 0x7fff0000], # another architecture: allow
  [0x20, 0, 0, 0],          # load the system call's number
  [0x15, 0, 1, 332],        # statx? then the next, else allow
  [0x06, 0, 0, 0x00050026], # SECCOMP_RET_ERRNO | ENOSYS
  [0x06, 0, 0, 0x7fff0000], # allow
);
my $prog = join '', map { pack 'SCCL', @$_ } @filter;
my $fprog = pack 'S x![J] J', scalar(@filter), unpack('J', pack('p', $prog));
syscall(157, 38, 1, 0, 0, 0) == 0 or die "no_new_privs: $!\n";   # prctl(PR_SET_NO_NEW_PRIVS, 1)
syscall(157, 22, 2, $fprog) == 0 or die "seccomp: $!\n";          # prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)
exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n";
