/*
 * cu_main.h - a shared main() for the CUnit programs: each test file lists its tests in
 * a `static CU_TestInfo tests[]` and its suites in `static CU_SuiteInfo suites[]`, then
 * writes CU_MAIN(suites). The program prints CUnit's basic-run summary and exits non-zero
 * when any assertion failed.
 */
#ifndef TESTS_CU_MAIN_H
#define TESTS_CU_MAIN_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>

#define CU_MAIN(suites)                                                                            \
	int main(void)                                                                             \
	{                                                                                          \
		if (CU_initialize_registry() != CUE_SUCCESS)                                       \
			return 2;                                                                  \
		if (CU_register_suites(suites) != CUE_SUCCESS) {                                   \
			fprintf(stderr, "suite registration: %s\n", CU_get_error_msg());           \
			return 2;                                                                  \
		}                                                                                  \
		CU_basic_set_mode(CU_BRM_VERBOSE);                                                 \
		CU_basic_run_tests();                                                              \
		unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();   \
		CU_cleanup_registry();                                                             \
		return failed ? 1 : 0;                                                             \
	}

#endif
