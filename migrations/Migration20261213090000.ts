import { Migration } from '@mikro-orm/migrations';

/**
 * The citizen's turn (language 2): the window open for the citizen to act, with its due date, on the
 * application; and which visit of its step created a task, so that a second sitting reads as one. Rows
 * written before keep null in both.
 */
export class Migration20261213090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "application" add column "citizen_turn" jsonb null;`);
    this.addSql(`alter table "task" add column "visit" int null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "task" drop column "visit";`);
    this.addSql(`alter table "application" drop column "citizen_turn";`);
  }

}
