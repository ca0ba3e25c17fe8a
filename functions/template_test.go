// Package functions_test checks template.yaml against the code it deploys:
// every Ref and GetAtt has a target, every function builds the way sam
// build builds it and gets exactly the environment its main reads, the
// table is the one the dynamo adapter needs, queues, dead letters, alarms,
// the HTTP API and the escalation timers are wired as ARCHITECTURE.md says. Each
// function's own tests check its policies against the AWS calls it makes
// (lambdatest.CheckPolicies).
package functions_test

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tierline/tierline/functions/internal/templatetest"
	"github.com/tierline/tierline/internal/testenv"
)

func load(t *testing.T, text string) checker {
	t.Helper()
	tpl, err := templatetest.Parse("template.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return checker{tpl: tpl, root: testenv.Root(t)}
}

func templateText(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testenv.Root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Ensure template.yaml passes every check.
func TestTemplate(t *testing.T) {
	testenv.Command(t, "make", "apt-get install make")
	if p := load(t, templateText(t)).problems(); len(p) != 0 {
		t.Fatalf("template.yaml:\n%s", strings.Join(p, "\n"))
	}
}

// Ensure the checks catch a broken template: each mutation of a copy of
// template.yaml must be reported, with a problem that says what is wrong.
func TestTemplateMutations(t *testing.T) {
	testenv.Command(t, "make", "apt-get install make")
	text := templateText(t)
	tests := []struct {
		name, old, new, want string
	}{
		{"ref_to_nothing", "TABLE_NAME: !If [CreateTable, !Ref TicketsTable,", "TABLE_NAME: !If [CreateTable, !Ref TicketTable,", "Ref TicketTable: no parameter or resource"},
		{"getatt_to_nothing", "deadLetterTargetArn: !GetAtt L1DeadLetterQueue.Arn", "deadLetterTargetArn: !GetAtt L1DLQ.Arn", "GetAtt L1DLQ.Arn: no resource L1DLQ"},
		{"getatt_bad_attribute", "QueueName: !GetAtt L1Queue.QueueName}", "QueueName: !GetAtt L1Queue.Name}", "AWS::SQS::Queue has no attribute Name"},
		{"sub_to_nothing", "https://${HttpApi}.execute-api", "https://${HttpAPI}.execute-api", "Ref HttpAPI: no parameter or resource"},
		{"codeuri_without_makefile", "CodeUri: .", "CodeUri: functions/api", "ApiFunction: CodeUri \"functions/api\" does not build: no Makefile"},
		{"no_make_target", "  DispatchFunction:\n", "  DispatcherFunction:\n", "make build-DispatcherFunction"},
		{"not_makefile_build", "Metadata: {BuildMethod: makefile}\n    Properties:\n      Description: Delivers", "Metadata: {BuildMethod: go1.x}\n    Properties:\n      Description: Delivers", "BuildMethod \"go1.x\", want makefile"},
		{"missing_env", "          QUEUE_URL_L3: !Ref L3Queue\n", "", "dispatch reads QUEUE_URL_L3, which the template does not set"},
		{"unread_env", "          TIERLINE_CONFIG: !Sub config/${ConfigFile}\n      Events:\n        Api:", "          TIERLINE_CONFIG: !Sub config/${ConfigFile}\n          DEBUG: \"1\"\n      Events:\n        Api:", "the template sets DEBUG, which api/main.go does not read"},
		{"runtime", "Runtime: provided.al2023", "Runtime: go1.x", "want provided.al2023, bootstrap, [arm64]"},
		{"architecture", "Architectures: [arm64]", "Architectures: [x86_64]", "want provided.al2023, bootstrap, [arm64]"},
		{"table_key", "{AttributeName: sk, KeyType: RANGE}", "{AttributeName: gsk, KeyType: RANGE}", "KeySchema is pk HASH, gsk RANGE"},
		{"table_index", "IndexName: ByTierStatus", "IndexName: ByTier", "GlobalSecondaryIndexes"},
		{"stream_view", "StreamViewType: NEW_AND_OLD_IMAGES", "StreamViewType: NEW_IMAGE", "StreamViewType is NEW_IMAGE"},
		{"ttl_attribute", "AttributeName: expires_at, Enabled: true", "AttributeName: ttl, Enabled: true", "TimeToLiveSpecification"},
		{"no_pitr", "PointInTimeRecoveryEnabled: true", "PointInTimeRecoveryEnabled: false", "PointInTimeRecoveryEnabled is false"},
		{"on_demand", "BillingMode: PAY_PER_REQUEST", "BillingMode: PROVISIONED", "BillingMode is PROVISIONED"},
		{"visibility_timeout", "  L2Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 360", "  L2Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 300", "L2Queue: VisibilityTimeout 300 is under six times NotifyFunction's timeout of 60s"},
		{"no_redrive", "      RedrivePolicy: {deadLetterTargetArn: !GetAtt L3DeadLetterQueue.Arn, maxReceiveCount: 5}\n", "", "L3Queue: no RedrivePolicy"},
		{"no_batch_failures", "Properties: {Queue: !GetAtt L1Queue.Arn, BatchSize: 10, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [ReportBatchItemFailures],", "Properties: {Queue: !GetAtt L1Queue.Arn, BatchSize: 10, MaximumBatchingWindowInSeconds: 0,", "event L1 does not report batch item failures"},
		{"batching_window", "L2Queue.Arn, BatchSize: 10, MaximumBatchingWindowInSeconds: 0,", "L2Queue.Arn, BatchSize: 10, MaximumBatchingWindowInSeconds: 5,", "event L2 waits 5s to fill a batch"},
		{"batch_too_big", "L3Queue.Arn, BatchSize: 10,", "L3Queue.Arn, BatchSize: 100,", "event L3: BatchSize 100"},
		{"no_bisect", "BisectBatchOnFunctionError: true", "BisectBatchOnFunctionError: false", "does not bisect"},
		{"stream_retries_bounded", "MaximumRetryAttempts: -1", "MaximumRetryAttempts: 50", "MaximumRetryAttempts 50, want -1"},
		{"stream_age_bounded", "MaximumRecordAgeInSeconds: -1", "MaximumRecordAgeInSeconds: 3600", "MaximumRecordAgeInSeconds 3600, want -1"},
		{"no_parking_queue", "          PARKING_QUEUE_URL: !Ref ParkingQueue\n", "", "PARKING_QUEUE_URL is not a Ref to a queue"},
		{"parking_unwatched", "Dimensions: [{Name: QueueName, Value: !GetAtt ParkingQueue.QueueName}]", "Dimensions: [{Name: QueueName, Value: !GetAtt L1Queue.QueueName}]", "ParkingQueue collects failures but has no alarm"},
		{"dead_letter_alarm", "Dimensions: [{Name: QueueName, Value: !GetAtt L2DeadLetterQueue.QueueName}]", "Dimensions: [{Name: QueueName, Value: !GetAtt L2Queue.QueueName}]", "L2DeadLetterQueue collects failures but has no alarm"},
		{"errors_alarm", "MetricName: Errors\n      Dimensions: [{Name: FunctionName, Value: !Ref NotifyFunction}]", "MetricName: Errors\n      Dimensions: [{Name: FunctionName, Value: !Ref ApiFunction}]", "NotifyFunction: no alarm on its Errors"},
		{"payload_v1", `PayloadFormatVersion: "2.0"`, `PayloadFormatVersion: "1.0"`, "PayloadFormatVersion 1.0"},
		{"no_api_timeout", "            TimeoutInMillis: 12000\n", "", "set TimeoutInMillis explicitly"},
		{"api_timeout_too_short", "TimeoutInMillis: 12000", "TimeoutInMillis: 5000", "TimeoutInMillis 5000"},
		{"scheduler_cannot_invoke", "Resource: [!GetAtt EscalateFunction.Arn, !Sub \"${EscalateFunction.Arn}:*\"]", "Resource: [!GetAtt NotifyFunction.Arn]", "SchedulerRole: its policies do not allow invoking EscalateFunction"},
		{"scheduler_not_trusted", "Principal: {Service: scheduler.amazonaws.com}", "Principal: {Service: lambda.amazonaws.com}", "scheduler.amazonaws.com may not assume it"},
		{"timer_dlq_unwatched", "Dimensions: [{Name: QueueName, Value: !GetAtt TimerDeadLetterQueue.QueueName}]", "Dimensions: [{Name: QueueName, Value: !GetAtt L1Queue.QueueName}]", "TimerDeadLetterQueue collects failed escalation steps but has no alarm"},
		{"escalate_failures_elsewhere", "OnFailure: {Type: SQS, Destination: !GetAtt TimerDeadLetterQueue.Arn}", "OnFailure: {Type: SQS, Destination: !GetAtt ParkingQueue.Arn}", "OnFailure is not the timers' dead letters"},
		{"no_parallelization", "ParallelizationFactor: 10", "ParallelizationFactor: 1", "ParallelizationFactor 1, want more than 1"},
		{"wrong_group", "          SCHEDULE_GROUP: !Ref EscalationSchedules\n          SCHEDULER_ROLE_ARN: !GetAtt SchedulerRole.Arn\n          TIMER_DLQ_ARN: !GetAtt TimerDeadLetterQueue.Arn\n      # Scheduler", "          SCHEDULE_GROUP: default\n          SCHEDULER_ROLE_ARN: !GetAtt SchedulerRole.Arn\n          TIMER_DLQ_ARN: !GetAtt TimerDeadLetterQueue.Arn\n      # Scheduler", "EscalateFunction: SCHEDULE_GROUP is not a Ref to EscalationSchedules"},
		{"no_hook_output", "  HookUrl:\n", "  HookURL:\n", "no output HookUrl"},
		{"config_missing", "Default: dev.yaml", "Default: nowhere.yaml", "infra/config/nowhere.yaml does not load"},
		{"unknown_tag", "!Sub config/${ConfigFile}", "!Subst config/${ConfigFile}", "unknown tag !Subst"},
		{"notify_unreserved", "      ReservedConcurrentExecutions: !If [ReserveNotify, !Ref NotifyConcurrency, !Ref AWS::NoValue]\n", "", "NotifyFunction: ReservedConcurrentExecutions is not a parameter"},
		{"notify_sources_over_reserved", "    Default: 20\n    MinValue: 0", "    Default: 12\n    MinValue: 0", "run up to 15 at once, over its reserved 12"},
		{"notify_sources_unbounded", "ScalingConfig: {MaximumConcurrency: !Ref NotifyTierConcurrency}", "ScalingConfig: {MaximumConcurrency: 1000}", "ScalingConfig.MaximumConcurrency is not a parameter"},
		{"no_api_throttle", "        ThrottlingRateLimit: !Ref ApiThrottleRate\n", "", "DefaultRouteSettings.ThrottlingRateLimit is not a parameter"},
		{"no_iterator_alarm", "MetricName: IteratorAge\n", "MetricName: IteratorAges\n", "no alarm on its IteratorAge"},
		{"no_queue_age_alarm", "Dimensions: [{Name: QueueName, Value: !GetAtt L2Queue.QueueName}]", "Dimensions: [{Name: QueueName, Value: !GetAtt L2DeadLetterQueue.QueueName}]", "L2Queue: no alarm on its ApproximateAgeOfOldestMessage"},
		{"no_throttle_alarm", "MetricName: Throttles\n      Dimensions: [{Name: FunctionName, Value: !Ref SweepFunction}]", "MetricName: Throttles\n      Dimensions: [{Name: FunctionName, Value: !Ref ApiFunction}]", "SweepFunction: no alarm on its Throttles"},
		{"alarm_without_action", "      AlarmActions: [!Ref AlarmTopic]\n", "", "AlarmActions [], want [!Ref AlarmTopic]"},
		{"email_unconditional", "    Condition: HasAlarmEmail\n", "", "subscribes AlarmEmail without a condition"},
		{"no_email", "Protocol: email, Endpoint: !Ref AlarmEmail", "Protocol: email, Endpoint: ops@example.com", "no email subscription of parameter AlarmEmail"},
		{"alarm_off_dashboard", `"${SweepRepairsAlarm.Arn}",`, "", "alarm SweepRepairsAlarm is not on its alarm widget"},
		{"queue_off_dashboard", `"${ParkingQueue.QueueName}"`, `"${L1Queue.QueueName}"`, "no metric of ParkingQueue"},
		{"dashboard_not_json", `"widgets": [`, `"widgets": [,`, "DashboardBody is not JSON"},
		{"table_unprotected", "DeletionProtectionEnabled: true", "DeletionProtectionEnabled: false", "DeletionProtectionEnabled is not true"},
		{"table_deleted_with_stack", "    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n    Properties:\n      DeletionProtectionEnabled", "    DeletionPolicy: Delete\n    UpdateReplacePolicy: Retain\n    Properties:\n      DeletionProtectionEnabled", `DeletionPolicy "Delete", want Retain`},
		{"table_unconditional", "    Condition: CreateTable\n", "", "not conditional on ExistingTableName"},
		{"sweep_unscheduled", "          Type: Schedule\n", "          Type: ScheduleV2\n", "SweepFunction: 0 Schedule events"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(text, tc.old) {
				t.Fatalf("the mutation no longer applies: %q is not in template.yaml", tc.old)
			}
			broken := strings.Replace(text, tc.old, tc.new, 1)
			tpl, err := templatetest.Parse("template.yaml", []byte(broken))
			var problems []string
			if err != nil {
				problems = []string{err.Error()}
			} else {
				problems = checker{tpl: tpl, root: testenv.Root(t)}.problems()
			}
			for _, p := range problems {
				if strings.Contains(p, tc.want) {
					return
				}
			}
			t.Fatalf("not caught: want a problem with %q, got:\n%s", tc.want, strings.Join(problems, "\n"))
		})
	}
}

// Ensure each function's make target (what sam build runs) writes a
// static linux/arm64 bootstrap, with the configs for the functions that
// read one, and report the sizes (target: under 15 MB each).
func TestSizes(t *testing.T) {
	testenv.Command(t, "make", "apt-get install make")
	c := load(t, templateText(t))
	var report []string
	for _, id := range c.tpl.Functions() {
		f, _ := c.tpl.Function(id)
		dir := t.TempDir()
		cmd := exec.Command("make", "--no-print-directory", "build-"+id, "ARTIFACTS_DIR="+dir)
		cmd.Dir = filepath.Join(c.root, f.CodeURI)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make build-%s: %v\n%s", id, err, out)
		}
		bin := filepath.Join(dir, "bootstrap")
		e, err := elf.Open(bin)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		for _, prog := range e.Progs {
			if prog.Type == elf.PT_INTERP {
				t.Errorf("%s: bootstrap is dynamically linked; build with CGO_ENABLED=0", id)
			}
		}
		if e.Machine != elf.EM_AARCH64 || e.OSABI != elf.ELFOSABI_NONE && e.OSABI != elf.ELFOSABI_LINUX {
			t.Errorf("%s: bootstrap is for %v, want linux arm64", id, e.Machine)
		}
		if e.Section(".symtab") != nil {
			t.Errorf("%s: bootstrap is not stripped", id)
		}
		e.Close()
		if v, ok := f.Environment["TIERLINE_CONFIG"]; ok {
			path, _ := c.tpl.Resolve(v)
			if _, err := os.Stat(filepath.Join(dir, path)); err != nil {
				t.Errorf("%s reads TIERLINE_CONFIG=%s, which its bundle lacks: %v", id, path, err)
			}
		}
		info, _ := os.Stat(bin)
		report = append(report, fmt.Sprintf("%s %.1f MB", id, float64(info.Size())/1e6))
	}
	t.Logf("REPORT arm64 bootstrap sizes (make build-<Function>): %s", strings.Join(report, ", "))
}
