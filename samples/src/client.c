/* client.c - a program that uses sample.dll through its import library. */
#include <stdio.h>
#include "sample.h"

int main(void)
{
	int sum = sample_add(2, 3);
	int diff = sample_sub(5, 2);

	printf("%s: 2+3=%d 5-2=%d, %d calls\n", sample_version(), sum, diff, sample_counter);
	return sum == 5 && diff == 3 && sample_counter == 2 ? 0 : 1;
}
