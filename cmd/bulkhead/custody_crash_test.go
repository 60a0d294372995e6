package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bulkhead-sms/bulkhead/internal/service"
	"github.com/bulkhead-sms/bulkhead/internal/sqlite"
)

// childEnv, when set, makes the test binary run the bulkhead command line
// with the arguments it holds (JSON) instead of the tests: the crash test
// kills a real server process.
const childEnv = "BULKHEAD_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if a := os.Getenv(childEnv); a != "" {
		var args []string
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		os.Exit(run(context.Background(), args, os.Getenv, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// serverProcess starts `bulkhead serve` as a separate process on the data
// directory and returns its URL.
func serverProcess(t *testing.T, data string) (*exec.Cmd, string) {
	t.Helper()
	args, _ := json.Marshal([]string{"serve", "--addr", "127.0.0.1:0"})
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(args), "BULKHEAD_DATA="+data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		close(urls)
	}()
	select {
	case u, ok := <-urls:
		if !ok {
			t.Fatalf("server exited before printing its URL: %s", errb.String())
		}
		return cmd, u
	case <-time.After(120 * time.Second):
		t.Fatal("server did not start in 120 s")
	}
	return nil, ""
}

// TestCaptureSurvivesKill kills the server process with SIGKILL while it
// captures a document at the size limit, after it acknowledged smaller
// ones: every acknowledged event is there after a restart, the document
// being captured is stored whole or not at all, and its job does not stay
// "running".
func TestCaptureSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	data := t.TempDir()
	env := map[string]string{"BULKHEAD_DATA": data}
	must(t, env, "", "org add", "--name", "Crash Test Freight", "--slug", "crash")
	must(t, env, "a long password 1\n", "user add", "--org", "crash", "--email", "sm@crash.example", "--name", "Sam", "--role", "security_manager")
	token := strings.TrimSpace(must(t, env, "", "token create", "--org", "crash", "--email", "sm@crash.example", "--name", "crash test"))

	cmd, url := serverProcess(t, data)
	client := &http.Client{Timeout: 5 * time.Minute}
	call := func(method, path string, body []byte) (int, []byte, error) {
		req, _ := http.NewRequest(method, url+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}
	gen := newEPCISGen(7, 5000)
	acknowledged := 0
	for range 3 {
		code, body, err := call("POST", "/api/v1/epcis/capture", gen.document(200, 0))
		if err != nil || code != http.StatusAccepted {
			t.Fatalf("capture: %d %v %s", code, err, body)
		}
		acknowledged += 200
	}
	// Each round kills the server at another moment after the job of a
	// document at the size limit is recorded as running (the document is
	// then being written, or has just been), and restarts it.
	// The first round does not kill: it measures how long the write takes
	// (from the job running to the answer) for the delays of the others.
	waitRunning := func() bool {
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
			code, body, err := call("GET", "/api/v1/epcis/capture?limit=1", nil)
			if err != nil || code != http.StatusOK {
				t.Fatalf("list captures: %d %v", code, err)
			}
			if strings.Contains(string(body), `"running":true`) {
				return true
			}
			time.Sleep(5 * time.Millisecond)
		}
		return false
	}
	first := gen.document(0, service.CaptureMaxBytes)
	answered := make(chan time.Time, 1)
	go func() {
		code, body, err := call("POST", "/api/v1/epcis/capture", first)
		if err != nil || code != http.StatusAccepted {
			t.Errorf("capture at the limit: %d %v %.300s", code, err, body)
		}
		answered <- time.Now()
	}()
	var write time.Duration
	if waitRunning() {
		seen := time.Now()
		write = (<-answered).Sub(seen)
	} else {
		<-answered
	}
	acknowledged += strings.Count(string(first), `"eventID"`)
	for _, delay := range []time.Duration{0, write / 3, write * 2 / 3} {
		big := gen.document(0, service.CaptureMaxBytes)
		bigEvents := strings.Count(string(big), `"eventID"`)
		posted := make(chan error, 1)
		go func() {
			code, body, err := call("POST", "/api/v1/epcis/capture", big)
			if err == nil {
				err = fmt.Errorf("acknowledged with %d: %.200s", code, body)
			}
			posted <- err
		}()
		running := waitRunning()
		time.Sleep(delay)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		bigAcknowledged := false
		if err := <-posted; err != nil && strings.HasPrefix(err.Error(), "acknowledged") {
			bigAcknowledged = true // the kill came after the answer
		}
		if !running {
			t.Log("the capture job was never seen running before the kill")
		}

		// A restart marks the interrupted job failed; no job stays running.
		cmd, url = serverProcess(t, data)
		code, body, err := call("GET", "/api/v1/epcis/capture?limit=1", nil)
		if err != nil || code != http.StatusOK {
			t.Fatalf("list captures after restart: %d %v", code, err)
		}
		var jobs struct {
			Items []struct {
				Status      string `json:"status"`
				Running     bool   `json:"running"`
				EventCount  int    `json:"eventCount"`
				StoredCount int    `json:"storedCount"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &jobs); err != nil {
			t.Fatal(err)
		}
		bigStored := false
		if len(jobs.Items) == 1 && running {
			j := jobs.Items[0]
			switch {
			case j.Running:
				t.Errorf("the capture job is still running after the restart: %+v", j)
			case j.EventCount != bigEvents:
				t.Errorf("latest job has %d events, want the document at the limit (%d)", j.EventCount, bigEvents)
			case j.Status == "success" && j.StoredCount == bigEvents:
				bigStored = true
			case j.Status != "failed" || j.StoredCount != 0:
				t.Errorf("the interrupted capture's job is neither a success nor failed with nothing stored: %+v", j)
			}
		}
		if bigAcknowledged && !bigStored {
			t.Errorf("the document at the limit was acknowledged but its job is not a success: %s", body)
		}
		if bigStored {
			acknowledged += bigEvents
		}

		t.Logf("kill %s after the job was running (the write took %s): document at the limit (%d events) stored: %v", delay.Round(time.Millisecond), write.Round(time.Millisecond), bigEvents, bigStored)
	}
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()

	st, err := sqlite.Open(context.Background(), filepath.Join(data, "bulkhead.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	org, err := st.OrganizationBySlug(context.Background(), "crash")
	if err != nil {
		t.Fatal(err)
	}
	// The events stored: the acknowledged ones, and each document being
	// captured at a kill whole or not at all.
	n, err := st.EPCISEventCount(context.Background(), org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n != acknowledged {
		t.Errorf("%d events stored after the kills; want %d: the acknowledged documents and those whose job succeeded, whole", n, acknowledged)
	}
}
