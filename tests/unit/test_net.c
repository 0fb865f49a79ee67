#include "cu_main.h"
static CU_TestInfo tests[] = {CU_TEST_INFO_NULL};
static CU_SuiteInfo suites[] = {{"stub", NULL, NULL, NULL, NULL, tests}, CU_SUITE_INFO_NULL};
CU_MAIN(suites)
