import { assertEquals } from "../testing.ts";
import { fsReason } from "./fs_reason.ts";

Deno.test("fsReason keeps the OS's reason, not the code, syscall or path", () => {
  assertEquals(
    fsReason(new Error("ENOENT: no such file or directory, stat '/x/y.ts'")),
    "no such file or directory",
  );
  assertEquals(
    fsReason(new Error("Permission denied (os error 13): open '/x/y.ts'")),
    "permission denied",
  );
  assertEquals(fsReason("odd"), "odd");
});
