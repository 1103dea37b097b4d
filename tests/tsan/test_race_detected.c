/* The TSan build can fail: a deliberate data race, run the way every Check
 * suite runs (fork mode), must end the test with ThreadSanitizer's exit
 * code 66 (TSAN_OPTIONS halt_on_error=1:exitcode=66, set by the test
 * environment). If the sanitizer were missing or its options lost, this
 * test would exit 0 and fail. Built only with -DOTEL_TSAN=ON. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>

static int unguarded; /* written by two threads with no ordering between them */

static void *writer(void *arg) {
    (void)arg;
    unguarded++;
    return NULL;
}

START_TEST(test_unguarded_counter_is_reported) {
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, writer, NULL), 0);
    unguarded++; /* races with the thread's write: no join before it */
    pthread_join(th, NULL);
}
END_TEST

int main(void) {
    Suite *s = suite_create("tsan");
    TCase *tc = tcase_create("race");
    tcase_add_exit_test(tc, test_unguarded_counter_is_reported, 66);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
