// SPDX-License-Identifier: GPL-2.0-only
/*
 * hello.c - the acme greeting module
 *
 * Greets once (or greetings= times) at KERN_ALERT when loaded, and says
 * farewell when unloaded. The kernel log reads:
 *
 *	# modprobe hello
 *	Good morrow to this fair assembly.
 *	# rmmod hello
 *	Alas, poor world, what treasure hast thou lost!
 *
 * Each message is a single printk() that ends in a newline. Two printk()
 * calls without KERN_CONT would print two lines.
 */

/*
 * No "hello: " prefix: the greeting and the farewell are specified as
 * exact lines of the log, which people and scripts match whole, and that
 * wins here over the kernel's habit of prefixing a module's messages with
 * its name. pr_fmt() is spelled out, empty, so that nobody adds the prefix
 * back by habit; the error message names the module itself.
 */
#define pr_fmt(fmt) fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#define HELLO_MAX_GREETINGS	10

static unsigned int greetings = 1;
module_param(greetings, uint, 0444);
MODULE_PARM_DESC(greetings, "Times to greet on load (1-10, default 1)");

static int __init hello_init(void)
{
	unsigned int i;

	if (greetings < 1 || greetings > HELLO_MAX_GREETINGS) {
		pr_err(KBUILD_MODNAME ": greetings=%u is out of range [1, %u]\n",
		       greetings, HELLO_MAX_GREETINGS);
		return -EINVAL;
	}

	for (i = 0; i < greetings; i++)
		pr_alert("Good morrow to this fair assembly.\n");

	return 0;
}

static void __exit hello_exit(void)
{
	pr_alert("Alas, poor world, what treasure hast thou lost!\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Greeting module");
MODULE_AUTHOR("William Shakespeare");
