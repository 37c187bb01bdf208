/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arena object is built with the kernel's -mfunction-return=thunk-extern,
 * so its functions return through __x86_return_thunk. This one is the
 * kernel's on CPUs that need no return mitigation: a plain ret (int3 after
 * it, as -mharden-sls=all has). Where the kernel runs a mitigation
 * (retbleed, SRSO), its returns cost more than these.
 */
	.text
	.globl	__x86_return_thunk
	.type	__x86_return_thunk, @function
__x86_return_thunk:
	ret
	int3
	.size	__x86_return_thunk, . - __x86_return_thunk
	.section .note.GNU-stack, "", @progbits
