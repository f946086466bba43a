/* SPDX-License-Identifier: MIT */
/*
 * PKCS#11 v3.0 interfaces of test-api.c (included there): C_GetInterfaceList,
 * C_GetInterface, the CK_FUNCTION_LIST_3_0 they hand out, C_LoginUser and
 * C_SessionCancel. Host tier (no AF_ALG), plus "interface-traced", which
 * test_interface_traced runs again with KEYRING_PKCS11_DEBUG set.
 */

typedef CK_RV (*get_interface_fn)(CK_UTF8CHAR_PTR, CK_VERSION_PTR, CK_INTERFACE_PTR_PTR, CK_FLAGS);
typedef CK_RV (*get_interface_list_fn)(CK_INTERFACE_PTR, CK_ULONG_PTR);

#define PKCS11_NAME ((CK_UTF8CHAR_PTR) "PKCS 11")

static get_interface_fn
exported_get_interface(void)
{
	get_interface_fn f;

	*(void **)&f = dlsym(module_handle, "C_GetInterface");
	if (f == NULL)
		fail_msg("the module exports no C_GetInterface");
	return f;
}

static get_interface_list_fn
exported_get_interface_list(void)
{
	get_interface_list_fn f;

	*(void **)&f = dlsym(module_handle, "C_GetInterfaceList");
	if (f == NULL)
		fail_msg("the module exports no C_GetInterfaceList");
	return f;
}

/* The interface C_GetInterface(@name, @major.@minor) gives (@major 0: NULL version). */
static CK_INTERFACE *
get_interface(CK_UTF8CHAR_PTR name, CK_BYTE major, CK_BYTE minor)
{
	CK_VERSION v = {major, minor};
	CK_INTERFACE *iface = NULL;

	assert_rv(exported_get_interface()(name, major != 0 ? &v : NULL, &iface, 0), CKR_OK);
	assert_non_null(iface);
	return iface;
}

static CK_VERSION
list_version(const CK_INTERFACE *iface)
{
	return ((const CK_FUNCTION_LIST *)iface->pFunctionList)->version;
}

/* Count query, too small, exact and roomy buffers; the two interfaces, 3.0 first. */
static void
test_interface_list(void **state)
{
	get_interface_list_fn get_list = exported_get_interface_list();
	CK_INTERFACE list[4];
	CK_ULONG n;

	(void)state;
	assert_rv(get_list(NULL, NULL), CKR_ARGUMENTS_BAD);
	n = 12345; /* "has no meaning" on a count query */
	assert_rv(get_list(NULL, &n), CKR_OK);
	assert_int_equal(n, 2);
	n = 1;
	memset(list, 0, sizeof(list));
	assert_rv(get_list(list, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 2);
	assert_null(list[0].pInterfaceName);
	n = 0;
	assert_rv(get_list(list, &n), CKR_BUFFER_TOO_SMALL);
	assert_int_equal(n, 2);
	for (CK_ULONG room = 2; room <= 4; room++) {
		memset(list, 0, sizeof(list));
		n = room;
		assert_rv(get_list(list, &n), CKR_OK);
		assert_int_equal(n, 2);
		assert_null(list[2].pInterfaceName); /* nothing written past the two */
		for (int i = 0; i < 2; i++) {
			assert_string_equal((const char *)list[i].pInterfaceName, "PKCS 11");
			assert_int_equal(list[i].flags, 0);
			assert_non_null(list[i].pFunctionList);
		}
		assert_int_equal(list_version(&list[0]).major, 3);
		assert_int_equal(list_version(&list[0]).minor, 0);
		assert_int_equal(list_version(&list[1]).major, 2);
		assert_int_equal(list_version(&list[1]).minor, 40);
		/* The same interfaces C_GetInterface hands out. */
		assert_ptr_equal(list[0].pFunctionList, get_interface(NULL, 0, 0)->pFunctionList);
		assert_ptr_equal(list[1].pFunctionList, get_interface(NULL, 2, 40)->pFunctionList);
	}
	/* Before C_Initialize too. */
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	n = 2;
	assert_rv(get_list(list, &n), CKR_OK);
	assert_int_equal(n, 2);
	assert_rv(p11->C_Initialize(NULL), CKR_OK);
}

/*
 * @l30 has the v3.0 layout: its first 68 functions are @l240's, in order,
 * then 24 more, none NULL.
 */
static void
assert_lists_agree(const CK_FUNCTION_LIST *l240, const CK_FUNCTION_LIST_3_0 *l30)
{
	void *const *a = (void *const *)&l240->C_Initialize;
	void *const *b = (void *const *)&l30->C_Initialize;
	size_t n240 = (sizeof(*l240) - offsetof(CK_FUNCTION_LIST, C_Initialize)) / sizeof(void *);
	size_t n30 = (sizeof(*l30) - offsetof(CK_FUNCTION_LIST_3_0, C_Initialize)) / sizeof(void *);

	assert_int_equal(n240, 68);
	assert_int_equal(n30, 68 + 24);
	for (size_t i = 0; i < n240; i++)
		if (a[i] != b[i])
			fail_msg("function %zu differs between the 2.40 and the 3.0 list", i);
	for (size_t i = 0; i < n30; i++)
		if (b[i] == NULL)
			fail_msg("function %zu of CK_FUNCTION_LIST_3_0 is NULL", i);
}

static void
test_interface_function_lists(void **state)
{
	CK_INTERFACE *i30 = get_interface(NULL, 0, 0), *i240 = get_interface(PKCS11_NAME, 2, 40);
	CK_FUNCTION_LIST_3_0 *l30 = i30->pFunctionList;
	CK_INTERFACE *again = NULL;
	CK_ULONG n = 0;

	(void)state;
	/* The layout: the 3.0 functions start where CK_FUNCTION_LIST ends. */
	assert_int_equal(offsetof(CK_FUNCTION_LIST_3_0, C_GetInterfaceList),
			 sizeof(CK_FUNCTION_LIST));
	assert_int_equal(offsetof(CK_FUNCTION_LIST_3_0, C_MessageVerifyFinal),
			 sizeof(CK_FUNCTION_LIST) + 23 * sizeof(void *));
	assert_int_equal(sizeof(CK_FUNCTION_LIST_3_0),
			 sizeof(CK_FUNCTION_LIST) + 24 * sizeof(void *));
	/* The 2.40 interface is C_GetFunctionList's list. */
	assert_ptr_equal(i240->pFunctionList, p11);
	assert_int_equal(l30->version.major, 3);
	assert_int_equal(l30->version.minor, 0);
	assert_lists_agree(p11, l30);
	/* The list's own C_GetInterface and C_GetInterfaceList are the exported ones'. */
	assert_rv(l30->C_GetInterface(NULL, NULL, &again, 0), CKR_OK);
	assert_ptr_equal(again, i30);
	assert_rv(l30->C_GetInterfaceList(NULL, &n), CKR_OK);
	assert_int_equal(n, 2);
	/* A call through the 3.0 list reaches the module. */
	assert_rv(l30->C_GetInfo(&(CK_INFO){0}), CKR_OK);
	assert_rv(l30->C_GetSessionInfo(CK_INVALID_HANDLE, &(CK_SESSION_INFO){0}),
		  CKR_SESSION_HANDLE_INVALID);
}

static void
test_get_interface(void **state)
{
	get_interface_fn get = exported_get_interface();
	CK_VERSION v31 = {3, 1}, v211 = {2, 11}, v240 = {2, 40}, v30 = {3, 0}, v20 = {2, 0};
	CK_INTERFACE *iface = NULL;

	(void)state;
	/* The default (NULL, NULL) and "PKCS 11" without a version: 3.0. */
	assert_int_equal(list_version(get_interface(NULL, 0, 0)).major, 3);
	assert_ptr_equal(get_interface(PKCS11_NAME, 0, 0), get_interface(NULL, 0, 0));
	assert_ptr_equal(get_interface(PKCS11_NAME, 3, 0), get_interface(NULL, 0, 0));
	/* A version, with or without the name. */
	assert_ptr_equal(get_interface(PKCS11_NAME, 2, 40)->pFunctionList, p11);
	assert_ptr_equal(get_interface(NULL, 2, 40)->pFunctionList, p11);
	assert_int_equal(list_version(get_interface(NULL, 3, 0)).minor, 0);
	/* What the module does not have: CKR_ARGUMENTS_BAD, and *ppInterface untouched. */
	iface = (CK_INTERFACE *)&v20;
	assert_rv(get((CK_UTF8CHAR_PTR) "PKCS 12", NULL, &iface, 0), CKR_ARGUMENTS_BAD);
	assert_rv(get((CK_UTF8CHAR_PTR) "PKCS 11 ", &v30, &iface, 0), CKR_ARGUMENTS_BAD);
	assert_rv(get((CK_UTF8CHAR_PTR) "", NULL, &iface, 0), CKR_ARGUMENTS_BAD);
	assert_rv(get(PKCS11_NAME, &v31, &iface, 0), CKR_ARGUMENTS_BAD);
	assert_rv(get(NULL, &v211, &iface, 0), CKR_ARGUMENTS_BAD);
	assert_rv(get(NULL, &v20, &iface, 0), CKR_ARGUMENTS_BAD);
	assert_rv(get(NULL, NULL, &iface, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
	assert_rv(get(PKCS11_NAME, &v240, &iface, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
	assert_ptr_equal(iface, (CK_INTERFACE *)&v20);
	assert_rv(get(NULL, NULL, NULL, 0), CKR_ARGUMENTS_BAD);
	/* Before C_Initialize too; and the module initializes through the 3.0 list. */
	assert_rv(p11->C_Finalize(NULL), CKR_OK);
	iface = NULL;
	assert_rv(get(PKCS11_NAME, &v30, &iface, 0), CKR_OK);
	assert_rv(((CK_FUNCTION_LIST_3_0 *)iface->pFunctionList)->C_GetInfo(&(CK_INFO){0}),
		  CKR_CRYPTOKI_NOT_INITIALIZED);
	assert_rv(((CK_FUNCTION_LIST_3_0 *)iface->pFunctionList)->C_Initialize(NULL), CKR_OK);
	assert_rv(p11->C_Initialize(NULL), CKR_CRYPTOKI_ALREADY_INITIALIZED);
}

static CK_FUNCTION_LIST_3_0 *
list_3_0(void)
{
	return get_interface(PKCS11_NAME, 3, 0)->pFunctionList;
}

/* Like C_Login: no named users, so the name is never read. */
static void
test_login_user(void **state)
{
	CK_FUNCTION_LIST_3_0 *l30 = list_3_0();
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_SESSION_INFO info;

	(void)state;
	assert_rv(l30->C_LoginUser(h, CKU_USER, (CK_UTF8CHAR_PTR) "1234", 4,
				   (CK_UTF8CHAR_PTR) "alice", 5),
		  CKR_OK);
	assert_rv(p11->C_GetSessionInfo(h, &info), CKR_OK);
	assert_int_equal(info.state, CKS_RW_USER_FUNCTIONS);
	assert_rv(l30->C_LoginUser(h, CKU_USER, NULL, 0, (CK_UTF8CHAR_PTR) "bob", 3),
		  CKR_USER_ALREADY_LOGGED_IN);
	assert_rv(l30->C_LoginUser(h, CKU_SO, NULL, 0, NULL, 0),
		  CKR_USER_ANOTHER_ALREADY_LOGGED_IN);
	assert_rv(p11->C_Logout(h), CKR_OK);
	assert_rv(l30->C_LoginUser(h, CKU_USER, NULL, 0, NULL, 5), CKR_ARGUMENTS_BAD);
	assert_rv(l30->C_LoginUser(h, CKU_USER, NULL, 4, NULL, 0), CKR_ARGUMENTS_BAD);
	assert_rv(l30->C_LoginUser(h, 77, NULL, 0, NULL, 0), CKR_USER_TYPE_INVALID);
	assert_rv(l30->C_LoginUser(h, CKU_SO, NULL, 0, NULL, 0), CKR_OK);
	assert_rv(p11->C_GetSessionInfo(h, &info), CKR_OK);
	assert_int_equal(info.state, CKS_RW_SO_FUNCTIONS);
	assert_rv(p11->C_Logout(h), CKR_OK);
	assert_rv(l30->C_LoginUser(h + 1000, CKU_USER, NULL, 0, NULL, 0),
		  CKR_SESSION_HANDLE_INVALID);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/* C_SessionCancel of a search (the crypto cancels are in crypto-tests.c). */
static void
test_session_cancel_find(void **state)
{
	CK_FUNCTION_LIST_3_0 *l30 = list_3_0();
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_ATTRIBUTE by_label = {CKA_LABEL, "p11test:cancel", 14};
	CK_OBJECT_HANDLE found[4];
	CK_ULONG n = 0;
	key_serial_t k;

	(void)state;
	k = add_test_key("logon", "p11test:cancel", key32, 16, KEY_SPEC_SESSION_KEYRING);
	assert_rv(l30->C_SessionCancel(h, 0), CKR_OK); /* nothing active */
	assert_rv(p11->C_FindObjectsInit(h, &by_label, 1), CKR_OK);
	/* Flags that name other operations leave the search alone. */
	assert_rv(l30->C_SessionCancel(h, CKF_ENCRYPT | CKF_DECRYPT | CKF_DIGEST | CKF_SIGN |
						  CKF_VERIFY | CKF_MESSAGE_ENCRYPT),
		  CKR_OK);
	assert_rv(p11->C_FindObjectsInit(h, &by_label, 1), CKR_OPERATION_ACTIVE);
	assert_rv(l30->C_SessionCancel(h, CKF_FIND_OBJECTS), CKR_OK);
	assert_rv(p11->C_FindObjects(h, found, 4, &n), CKR_OPERATION_NOT_INITIALIZED);
	assert_rv(p11->C_FindObjectsFinal(h), CKR_OPERATION_NOT_INITIALIZED);
	/* A new search starts from scratch. */
	assert_int_equal(find(h, &by_label, 1, found, 4), 1);
	assert_int_equal(found[0], (CK_OBJECT_HANDLE)k);
	assert_rv(l30->C_SessionCancel(h + 1000, CKF_FIND_OBJECTS), CKR_SESSION_HANDLE_INVALID);
	drop_key(k);
	assert_rv(p11->C_CloseSession(h), CKR_OK);
	assert_rv(l30->C_SessionCancel(h, CKF_FIND_OBJECTS), CKR_SESSION_HANDLE_INVALID);
}

/* Each message-based function: CKR_FUNCTION_NOT_SUPPORTED, whatever the session. */
static void
test_message_functions_unsupported(void **state)
{
	CK_FUNCTION_LIST_3_0 *l30 = list_3_0();
	CK_SESSION_HANDLE h = open_session(SESSION_SLOT);
	CK_MECHANISM gcm = {CKM_AES_GCM, NULL, 0};
	uint8_t buf[32] = {0};
	CK_ULONG len = sizeof(buf);

	(void)state;
	for (int pass = 0; pass < 2; pass++) {
		CK_SESSION_HANDLE s = pass == 0 ? h : h + 1000;

		assert_rv(l30->C_MessageEncryptInit(s, &gcm, 1), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_EncryptMessage(s, buf, 8, buf, 8, buf, 16, buf, &len),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_EncryptMessageBegin(s, buf, 8, buf, 8),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_EncryptMessageNext(s, buf, 8, buf, 16, buf, &len,
						    CKF_END_OF_MESSAGE),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageEncryptFinal(s), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageDecryptInit(s, &gcm, 1), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_DecryptMessage(s, buf, 8, buf, 8, buf, 16, buf, &len),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_DecryptMessageBegin(s, buf, 8, buf, 8),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_DecryptMessageNext(s, buf, 8, buf, 16, buf, &len, 0),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageDecryptFinal(s), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageSignInit(s, &gcm, 1), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_SignMessage(s, buf, 8, buf, 16, buf, &len),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_SignMessageBegin(s, buf, 8), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_SignMessageNext(s, buf, 8, buf, 16, buf, &len),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageSignFinal(s), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageVerifyInit(s, &gcm, 1), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_VerifyMessage(s, buf, 8, buf, 16, buf, 16),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_VerifyMessageBegin(s, buf, 8), CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_VerifyMessageNext(s, buf, 8, buf, 16, buf, 16),
			  CKR_FUNCTION_NOT_SUPPORTED);
		assert_rv(l30->C_MessageVerifyFinal(s), CKR_FUNCTION_NOT_SUPPORTED);
	}
	assert_rv(p11->C_CloseSession(h), CKR_OK);
}

/*
 * The traced lists: run the group "interface-traced" in a new process with
 * KEYRING_PKCS11_DEBUG pointing at a file, then read the file.
 */
static void
test_interface_traced(void **state)
{
	char log_path[] = "/tmp/kp11-iface-log.XXXXXX", line[512];
	const char *want[] = {"C_GetInterfaceList = CKR_OK",
			      "C_GetInterface = CKR_OK",
			      "C_GetInfo = CKR_OK",
			      "C_LoginUser = CKR_OK",
			      "C_SessionCancel = CKR_OK",
			      "C_MessageEncryptInit = CKR_FUNCTION_NOT_SUPPORTED",
			      "C_EncryptMessage = CKR_FUNCTION_NOT_SUPPORTED",
			      "C_MessageVerifyFinal = CKR_FUNCTION_NOT_SUPPORTED"};
	bool seen[sizeof(want) / sizeof(want[0])] = {false};
	int fd, status;
	FILE *log;
	pid_t pid;

	(void)state;
	fd = mkstemp(log_path);
	assert_true(fd >= 0);
	close(fd);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		setenv("KEYRING_PKCS11_DEBUG", log_path, 1);
		/* Its own TAP lines would break the parent's: they go to stderr. */
		dup2(STDERR_FILENO, STDOUT_FILENO);
		/*
		 * The program the test scripts ran (under valgrind, /proc/self/exe
		 * is valgrind's tool, and $builddir's test-api runs it under valgrind).
		 */
		if (getenv("builddir") != NULL) {
			char self[4096];

			snprintf(self, sizeof(self), "%s/tests/api/test-api", getenv("builddir"));
			execl(self, "test-api", "interface-traced", (char *)NULL);
		}
		execl("/proc/self/exe", "test-api", "interface-traced", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0)
		fail_msg("test-api interface-traced exited with %d", WEXITSTATUS(status));
	log = fopen(log_path, "r");
	assert_non_null(log);
	while (fgets(line, sizeof(line), log) != NULL)
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			seen[i] |= strstr(line, want[i]) != NULL;
	fclose(log);
	unlink(log_path);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!seen[i])
			fail_msg("the debug log has no \"%s\"", want[i]);
}

/* In the child of test_interface_traced: every list handed out is a traced one. */
static void
test_interface_traced_lists(void **state)
{
	CK_INTERFACE list[2], *i30 = get_interface(NULL, 0, 0), *i240;
	CK_FUNCTION_LIST_3_0 *l30 = i30->pFunctionList;
	CK_SESSION_HANDLE h;
	CK_ULONG n = 2;

	(void)state;
	if (getenv("KEYRING_PKCS11_DEBUG") == NULL)
		fail_msg("run by test_interface_traced only (KEYRING_PKCS11_DEBUG set)");
	/* The traced 2.40 list is C_GetFunctionList's (group_setup's p11), and agrees with 3.0's.
	 */
	i240 = get_interface(PKCS11_NAME, 2, 40);
	assert_ptr_equal(i240->pFunctionList, p11);
	assert_rv(exported_get_interface_list()(list, &n), CKR_OK);
	assert_ptr_equal(list[0].pFunctionList, l30);
	assert_ptr_equal(list[1].pFunctionList, p11);
	assert_lists_agree(p11, l30);
	/* Through the 3.0 list: the log then shows these calls (the parent reads it). */
	assert_rv(l30->C_GetInterfaceList(NULL, &n), CKR_OK);
	assert_rv(l30->C_GetInterface(NULL, NULL, &i30, 0), CKR_OK);
	assert_ptr_equal(i30->pFunctionList, l30);
	assert_rv(l30->C_GetInfo(&(CK_INFO){0}), CKR_OK);
	assert_rv(l30->C_OpenSession(SESSION_SLOT, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
				     &h),
		  CKR_OK);
	assert_rv(l30->C_LoginUser(h, CKU_USER, NULL, 0, NULL, 0), CKR_OK);
	assert_rv(l30->C_SessionCancel(h, CKF_ENCRYPT), CKR_OK);
	assert_rv(l30->C_MessageEncryptInit(h, NULL, 0), CKR_FUNCTION_NOT_SUPPORTED);
	assert_rv(l30->C_EncryptMessage(h, NULL, 0, NULL, 0, NULL, 0, NULL, &n),
		  CKR_FUNCTION_NOT_SUPPORTED);
	assert_rv(l30->C_MessageVerifyFinal(h), CKR_FUNCTION_NOT_SUPPORTED);
	assert_rv(l30->C_CloseSession(h), CKR_OK);
}

static int
run_interface_traced_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interface_traced_lists),
	};

	return cmocka_run_group_tests_name("api-interface-traced", tests, group_setup,
					   group_teardown);
}
