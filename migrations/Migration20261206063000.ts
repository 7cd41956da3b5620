import { Migration } from '@mikro-orm/migrations';

/**
 * The inbox's own index: an office's open and claimed tasks in the order the inbox lists them (legal due
 * date, tasks without one last, then id). A page is then the next rows of one index range, wherever the
 * cursor stands, instead of every open task of the office sorted at each request. The coalesce puts the
 * tasks without a due date last in the index itself, so the cursor is one row comparison.
 */
export class Migration20261206063000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "task_inbox_index" on "task" ("office_id", (coalesce("due_at", 'infinity'::timestamptz)), "id") where "status" in ('open', 'claimed');`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "task_inbox_index";`);
  }

}
